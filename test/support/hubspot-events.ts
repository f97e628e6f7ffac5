/** A HubSpot Webhooks API `deal.propertyChange` event of a deal's stage, as HubSpot posts it in its array. */
export function hubspotStageEvent(eventId: number, dealId: number, stage: string, occurredAt: number) {
  return {
    eventId,
    subscriptionId: 4321,
    portalId: 62515,
    appId: 54321,
    occurredAt,
    subscriptionType: 'deal.propertyChange',
    attemptNumber: 0,
    objectId: dealId,
    propertyName: 'dealstage',
    propertyValue: stage,
    changeSource: 'CRM_UI',
    sourceId: 'userId:101',
  };
}
