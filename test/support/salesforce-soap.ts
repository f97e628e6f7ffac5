/**
 * Builds Salesforce Outbound Message bodies the way Salesforce writes them (reference §5): SOAP 1.1,
 * `notifications` in the outbound namespace, sObject fields with the `sf:` prefix, `xsi:nil` for nulls.
 */
export type SoapNotification = {
  id: string;
  type?: string;
  fields: Record<string, string | number | boolean | null>;
};

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function outboundMessage(options: {
  organizationId: string;
  actionId?: string;
  notifications: SoapNotification[];
}): string {
  const notifications = options.notifications
    .map((notification) => {
      const fields = Object.entries(notification.fields)
        .map(([name, value]) =>
          value === null
            ? `<sf:${name} xsi:nil="true"/>`
            : `<sf:${name}>${escapeXml(String(value))}</sf:${name}>`,
        )
        .join('');
      return `<Notification><Id>${notification.id}</Id><sObject xsi:type="sf:${notification.type ?? 'Opportunity'}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${fields}</sObject></Notification>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${options.organizationId}</OrganizationId>
   <ActionId>${options.actionId ?? '04k5g000000ABCDAAA'}</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/68.0/00D5g000004ABCD</EnterpriseUrl>
   <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/68.0/00D5g000004ABCD</PartnerUrl>
   ${notifications}
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`;
}
