import { describe, expect, it } from 'vitest';
import { CRM_DISPLAY_NAMES, CRM_SOURCES } from '../../lib/crm/registry';

describe('CRM_SOURCES', () => {
  it('lists HubSpot and Salesforce, in the order the backfill reports them', () => {
    expect(CRM_SOURCES.map(({ name, displayName }) => ({ name, displayName }))).toEqual([
      { name: 'hubspot', displayName: 'HubSpot' },
      { name: 'salesforce', displayName: 'Salesforce' },
    ]);
  });

  it('gives each CRM its own name, receipt source, routes and functions', () => {
    const unique = (values: string[]) => new Set(values).size === values.length;
    expect(unique(CRM_SOURCES.map((crm) => crm.name))).toBe(true);
    expect(unique(CRM_SOURCES.map((crm) => crm.receiptSource))).toBe(true);
    const routes = CRM_SOURCES.flatMap((crm) => crm.routes);
    expect(unique(routes.map((route) => `${route.method} ${route.path}`))).toBe(true);
    expect(unique(routes.map((route) => route.functionName))).toBe(true);
  });

  it('gives each event-bus intake its own function, deploy parameter and receipt source', () => {
    const unique = (values: string[]) => new Set(values).size === values.length;
    const intakes = CRM_SOURCES.flatMap((crm) => crm.eventIntakes ?? []);
    const routed = CRM_SOURCES.flatMap((crm) => crm.routes.map((route) => route.functionName));
    expect(intakes.map((intake) => intake.functionName)).toEqual(['salesforce-cdc']);
    expect(unique([...routed, ...intakes.map((intake) => intake.functionName)])).toBe(true);
    expect(unique(intakes.map((intake) => intake.busParameter))).toBe(true);
    expect(
      unique([
        ...CRM_SOURCES.map((crm) => crm.receiptSource),
        ...intakes.map((intake) => intake.receiptSource),
      ]),
    ).toBe(true);
  });

  it("names each close source as the platforms' lead-source fields always showed it", () => {
    expect(CRM_DISPLAY_NAMES).toEqual({ hubspot: 'HubSpot', salesforce: 'Salesforce', api: 'API' });
  });
});
