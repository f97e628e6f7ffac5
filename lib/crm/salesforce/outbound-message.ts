import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as v from 'valibot';
import { PayloadValidationError } from '../../errors';
import { toFieldIssues } from '../../validation';
import { SALESFORCE_ID_PATTERN } from './record-id';

/**
 * Salesforce Outbound Messages (reference/platform-apis.md §5): a SOAP 1.1 POST of
 * `<notifications xmlns="http://soap.sforce.com/2005/09/outbound">` with the org, the action and up to 100
 * `<Notification><Id/><sObject xsi:type="sf:Opportunity">…fields…</sObject></Notification>`. Parsed
 * namespace-aware (prefixes are the sender's choice; namespace URIs are the contract), pure.
 */
export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const OUTBOUND_NS = 'http://soap.sforce.com/2005/09/outbound';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const MAX_NOTIFICATIONS = 100;

/** The answer Salesforce needs to stop retrying, byte for byte as in the reference. */
export const SALESFORCE_ACK =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';

export type OutboundNotification = {
  /** The notification's own ID (04l…): the same across Salesforce's retries of one message. */
  id: string;
  /** The local name of `xsi:type`, e.g. `Opportunity`. */
  objectType: string | undefined;
  /** Each field by API name; `xsi:nil="true"` is null. */
  fields: Record<string, string | null>;
};

export type OutboundMessage = {
  organizationId: string;
  actionId: string | undefined;
  notifications: OutboundNotification[];
};

type XmlElement = {
  ns: string | undefined;
  name: string;
  attributes: { ns: string | undefined; name: string; value: string }[];
  children: XmlElement[];
  text: string | undefined;
};

// fast-xml-parser's ordered form: [{ 'prefix:name': [children], ':@': { attributes } }, { '#text': '…' }].
type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Numeric character references (&#xD;) appear in text fields; the five XML entities are always decoded.
  htmlEntities: true,
});

function splitName(qualified: string): { prefix: string | undefined; local: string } {
  const colon = qualified.indexOf(':');
  return colon === -1
    ? { prefix: undefined, local: qualified }
    : { prefix: qualified.slice(0, colon), local: qualified.slice(colon + 1) };
}

/** Resolves every element's and attribute's namespace from the xmlns declarations in scope. */
function toElements(nodes: unknown, scope: Readonly<Record<string, string>>): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const elements: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const name = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
    if (name === undefined) continue;
    const rawAttributes = (node[':@'] ?? {}) as Record<string, unknown>;
    const inner: Record<string, string> = { ...scope };
    for (const [attribute, value] of Object.entries(rawAttributes)) {
      if (attribute === 'xmlns') inner[''] = String(value);
      else if (attribute.startsWith('xmlns:')) inner[attribute.slice(6)] = String(value);
    }
    const { prefix, local } = splitName(name);
    const children = node[name];
    const text = Array.isArray(children)
      ? (children as OrderedNode[])
          .filter((child) => '#text' in child)
          .map((child) => String(child['#text']))
          .join('')
      : '';
    elements.push({
      ns: inner[prefix ?? ''],
      name: local,
      attributes: Object.entries(rawAttributes)
        .filter(([attribute]) => attribute !== 'xmlns' && !attribute.startsWith('xmlns:'))
        .map(([attribute, value]) => {
          const split = splitName(attribute);
          // Unprefixed attributes have no namespace (XML Namespaces §6.3).
          return {
            ns: split.prefix ? inner[split.prefix] : undefined,
            name: split.local,
            value: String(value),
          };
        }),
      children: toElements(children, inner),
      text: text === '' ? undefined : text,
    });
  }
  return elements;
}

function child(element: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return element?.children.find((candidate) => candidate.ns === ns && candidate.name === name);
}

function attribute(element: XmlElement, ns: string, name: string): string | undefined {
  return element.attributes.find((candidate) => candidate.ns === ns && candidate.name === name)?.value;
}

function isNil(element: XmlElement): boolean {
  return attribute(element, XSI_NS, 'nil')?.trim() === 'true';
}

function reject(field: string, message: string): never {
  throw new PayloadValidationError([{ field, message }]);
}

const SalesforceIdSchema = v.pipe(
  v.string('required'),
  v.trim(),
  v.regex(SALESFORCE_ID_PATTERN, 'must be a 15- or 18-character Salesforce ID'),
);

const OutboundMessageSchema = v.object({
  OrganizationId: SalesforceIdSchema,
  ActionId: v.optional(SalesforceIdSchema),
  Notification: v.pipe(
    v.array(
      v.object({
        Id: SalesforceIdSchema,
        objectType: v.optional(v.string()),
        fields: v.record(v.string(), v.nullable(v.string())),
        sObject: v.literal(true, 'required'),
      }),
    ),
    v.minLength(1, 'must hold at least one Notification'),
    v.maxLength(MAX_NOTIFICATIONS, `at most ${MAX_NOTIFICATIONS} notifications a message`),
  ),
});

/** Parses and validates an Outbound Message; PayloadValidationError names what is wrong. */
export function parseOutboundMessage(xml: string): OutboundMessage {
  if (xml.trim() === '') reject('(body)', 'required');
  // SOAP forbids a DTD (SOAP 1.1 §3); refusing it also rules out entity expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) reject('(body)', 'a DOCTYPE is not allowed in a SOAP message');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) reject('(body)', `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let roots: XmlElement[];
  try {
    roots = toElements(parser.parse(xml), {});
  } catch {
    reject('(body)', 'not well-formed XML');
  }
  const envelope = roots[0];
  if (!envelope || envelope.ns !== SOAP_ENVELOPE_NS || envelope.name !== 'Envelope') {
    reject('Envelope', `expected a SOAP 1.1 Envelope (${SOAP_ENVELOPE_NS})`);
  }
  const body = child(envelope, SOAP_ENVELOPE_NS, 'Body');
  if (!body) reject('Envelope.Body', 'required');
  const notifications = child(body, OUTBOUND_NS, 'notifications');
  if (!notifications) reject('Envelope.Body.notifications', `required, in namespace ${OUTBOUND_NS}`);

  const text = (name: string) => child(notifications, OUTBOUND_NS, name)?.text;
  const candidate = {
    OrganizationId: text('OrganizationId'),
    ActionId: text('ActionId'),
    Notification: notifications.children
      .filter((element) => element.ns === OUTBOUND_NS && element.name === 'Notification')
      .map((notification) => {
        const sObject = child(notification, OUTBOUND_NS, 'sObject');
        const fields: Record<string, string | null> = {};
        for (const field of sObject?.children ?? []) {
          // Outbound Messages carry the object's own fields only; a nested element is not one of them.
          if (field.children.length > 0) continue;
          fields[field.name] = isNil(field) ? null : (field.text ?? '');
        }
        const type = sObject ? attribute(sObject, XSI_NS, 'type') : undefined;
        return {
          Id: child(notification, OUTBOUND_NS, 'Id')?.text,
          objectType: type === undefined ? undefined : splitName(type.trim()).local,
          fields,
          sObject: sObject !== undefined,
        };
      }),
  };
  const result = v.safeParse(OutboundMessageSchema, candidate, { abortEarly: false });
  if (!result.success) {
    throw new PayloadValidationError(
      toFieldIssues(result.issues, 'Envelope.Body.notifications').slice(0, 50),
    );
  }
  return {
    organizationId: result.output.OrganizationId,
    actionId: result.output.ActionId,
    notifications: result.output.Notification.map((notification) => ({
      id: notification.Id,
      objectType: notification.objectType,
      fields: notification.fields,
    })),
  };
}
