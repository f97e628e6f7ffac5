import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_INTAKES, FUNCTION_NAMES, HTTP_ROUTES } from '../../lib/http/routes';
import { describeTable, TTL_ATTRIBUTE } from '../../lib/store/table';

/**
 * `serverless package` (osls) exactly as a deploy would run it, offline and without AWS credentials;
 * then the generated CloudFormation is read: the deployment users get is the one tested here.
 */
const ROOT = join(__dirname, '..', '..');
const OUT = mkdtempSync(join(tmpdir(), 'crm-conversions-package-'));
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown };
let resources: Record<string, Resource>;
let template: { Resources: Record<string, Resource>; Conditions: Record<string, unknown> };

/** The single file in a zip produced by osls (stored or deflated), read without a zip library. */
function bundleOf(zipFile: string): { name: string; bytes: number; content: Buffer } {
  const zip = readFileSync(zipFile);
  const nameLength = zip.readUInt16LE(26);
  const extraLength = zip.readUInt16LE(28);
  const method = zip.readUInt16LE(8);
  const name = zip.subarray(30, 30 + nameLength).toString('utf8');
  let compressed = zip.readUInt32LE(18);
  const start = 30 + nameLength + extraLength;
  // Sizes may sit in the data descriptor instead (general purpose bit 3); the central directory has them.
  if (compressed === 0) {
    const central = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    compressed = zip.readUInt32LE(central + 20);
  }
  const data = zip.subarray(start, start + compressed);
  const content = method === 8 ? inflateRawSync(data) : data;
  return { name, bytes: content.byteLength, content };
}

function statementsOf(resource: Resource): { Effect: string; Action: unknown; Resource?: unknown }[] {
  const policies = (resource.Properties.Policies ?? []) as { PolicyDocument: { Statement: [] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

/** osls names `hubspot-webhook`'s resources `HubspotDashwebhook…`. */
const logicalName = (name: string) => name.charAt(0).toUpperCase() + name.slice(1).replace(/-/g, 'Dash');

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: OUT,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete env[name];
  await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
      'package',
      '--stage',
      'ci',
      '--package',
      OUT,
    ],
    { cwd: ROOT, env, timeout: 240_000 },
  );
  template = JSON.parse(readFileSync(join(OUT, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 300_000);

describe('serverless package', () => {
  it.each(FUNCTION_NAMES)(
    'declares %s on a current Node.js runtime, arm64, traced, with the Powertools layer',
    (name) => {
      const fn = resources[`${logicalName(name)}LambdaFunction`];
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Layers: [{ Ref: 'PowertoolsLayerArn' }],
        FunctionName: `crm-conversions-ci-${name}`,
      });
    },
  );

  it('routes DESIGN.md HTTP routes, and nothing else, to their functions', () => {
    const routes = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
      .map((resource) => resource.Properties.RouteKey)
      .sort();
    expect(routes).toEqual(HTTP_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    // Each route's integration invokes the route's own function.
    const targets = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
      .map((resource) => {
        const target = JSON.stringify(resource.Properties.Target).match(/"Ref":"(\w+)"/)?.[1] ?? '';
        return { route: resource.Properties.RouteKey, uri: resources[target]?.Properties.IntegrationUri };
      });
    expect(targets).toEqual(
      expect.arrayContaining(
        HTTP_ROUTES.map((route) => ({
          route: `${route.method} ${route.path}`,
          uri: { 'Fn::GetAtt': [`${logicalName(route.functionName)}LambdaFunction`, 'Arn'] },
        })),
      ),
    );
  });

  it('deploys the listed functions and no other', () => {
    const deployed = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => resource.Properties.FunctionName)
      .sort();
    expect(deployed).toEqual(FUNCTION_NAMES.map((name) => `crm-conversions-ci-${name}`).sort());
  });

  it('runs the backfill every 15 minutes, one at a time, with a long timeout', () => {
    const rule = Object.values(resources).find((resource) => resource.Type === 'AWS::Events::Rule');
    expect(rule?.Properties).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
    expect(resources.BackfillLambdaFunction?.Properties).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 900,
    });
  });

  it('gives each function its own role, and no IAM statement a wildcard action or resource', () => {
    const roles = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::IAM::Role');
    expect(roles.map(([id]) => id).sort()).toEqual([
      'BackfillRole',
      'CollectRole',
      'DoctorRole',
      'EraseRole',
      'HubspotWebhookRole',
      'SalesforceCdcRole',
      'SalesforceWebhookRole',
    ]);
    for (const [id, role] of roles) {
      for (const statement of statementsOf(role)) {
        const actions = [statement.Action].flat();
        const targets = [statement.Resource].flat();
        expect(
          actions.some((action) => String(action).includes('*')),
          `${id} action`,
        ).toBe(false);
        expect(
          targets.some((target) => target === '*'),
          `${id} resource`,
        ).toBe(false);
      }
    }
    const managed = Object.values(resources).filter(
      (resource) => resource.Type === 'AWS::IAM::ManagedPolicy' || resource.Type === 'AWS::IAM::Policy',
    );
    expect(managed).toEqual([]);
  });

  it('grants only the table actions each function performs, and the due index only to the backfill', () => {
    const tableActions = (role: string) =>
      statementsOf(resources[role] as Resource)
        .filter((statement) =>
          [statement.Action].flat().some((action) => String(action).startsWith('dynamodb:')),
        )
        .flatMap((statement) => [statement.Action].flat());
    for (const role of ['CollectRole', 'HubspotWebhookRole', 'SalesforceWebhookRole', 'SalesforceCdcRole']) {
      expect(tableActions(role)).not.toContain('dynamodb:Query');
      expect(tableActions(role)).not.toContain('dynamodb:Scan');
      expect(tableActions(role)).not.toContain('dynamodb:DeleteItem');
    }
    expect(tableActions('BackfillRole')).toContain('dynamodb:Query');
    expect(tableActions('BackfillRole')).not.toContain('dynamodb:Scan');
    // The doctor checks the platforms' credentials and reads no table at all.
    expect(tableActions('DoctorRole')).toEqual([]);
    // Only erase deletes, and Scans (its search by a hashed email); it updates nothing and reads no index.
    for (const role of ['BackfillRole', 'DoctorRole'])
      expect(tableActions(role)).not.toContain('dynamodb:DeleteItem');
    expect(tableActions('EraseRole').sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
    ]);
  });

  it.each(EVENT_INTAKES)(
    'deploys the $functionName intake only on the bus its parameter names: off by default, least privilege',
    (intake) => {
      const fn = `${logicalName(intake.functionName)}LambdaFunction`;
      const conditional = Object.entries(resources).filter(([, resource]) =>
        JSON.stringify(resource).includes(fn),
      );
      const rule = conditional.find(([, resource]) => resource.Type === 'AWS::Events::Rule')?.[1] as Resource;
      const permission = conditional.find(([, resource]) => resource.Type === 'AWS::Lambda::Permission')?.[1];
      const roleRef = (resources[fn] as Resource).Properties.Role as { 'Fn::GetAtt': [string] };
      const role = resources[roleRef['Fn::GetAtt'][0]];
      const condition = (resource: unknown) => (resource as { Condition?: string }).Condition;
      // Every resource of the intake shares one condition, false unless the parameter names a bus.
      const name = condition(resources[fn]) as string;
      expect(name).toBeDefined();
      expect(template.Conditions[name]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
      for (const resource of [
        rule,
        permission,
        role,
        resources[`${logicalName(intake.functionName)}LogGroup`],
      ]) {
        expect(condition(resource)).toBe(name);
      }
      // The rule: the intake's pattern on the bus the parameter names (empty in the ci stage), to the function.
      expect(rule.Properties).toMatchObject({ EventBusName: '', State: 'ENABLED' });
      expect(rule.Properties.EventPattern).toEqual(intake.eventPattern);
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] } }),
      ]);
      expect(permission?.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
      });
      // Its own role: the table's item actions, no index, the stage's parameters, its own log group.
      const actions = statementsOf(role as Resource).flatMap((statement) => [statement.Action].flat());
      expect(actions.sort()).toEqual(
        [
          'dynamodb:BatchGetItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'ssm:GetParametersByPath',
        ].sort(),
      );
      expect(JSON.stringify(role)).toContain(
        `log-group:/aws/lambda/crm-conversions-ci-${intake.functionName}:*`,
      );
      expect(JSON.stringify(role)).toContain(`arn:\${AWS::Partition}:logs:`);
    },
  );

  it('reads parameters only under the stage path', () => {
    const ssm = statementsOf(resources.CollectRole as Resource).find((statement) =>
      [statement.Action].flat().includes('ssm:GetParametersByPath'),
    );
    expect(JSON.stringify(ssm?.Resource)).toContain('parameter/crm-conversions/ci');
  });

  it('creates the table from the one definition: keys, due index, TTL, on demand, PITR, encryption', () => {
    const table = resources.ConversionsTable?.Properties as Record<string, unknown>;
    const local = describeTable('crm-conversions-ci');
    const byName = (items: unknown) =>
      [...((items as { AttributeName: string }[]) ?? [])].sort((a, b) =>
        a.AttributeName.localeCompare(b.AttributeName),
      );
    expect(table.TableName).toBe(local.TableName);
    expect(table.KeySchema).toEqual(local.KeySchema);
    expect(byName(table.AttributeDefinitions)).toEqual(byName(local.AttributeDefinitions));
    expect(table.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('keeps logs for 30 days', () => {
    const groups = Object.values(resources).filter((resource) => resource.Type === 'AWS::Logs::LogGroup');
    // One per function, and the HTTP API's access log.
    expect(groups).toHaveLength(FUNCTION_NAMES.length + 1);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it.each(FUNCTION_NAMES)(
    'packages %s as one minified bundle under 400 KB, without the AWS SDK or Powertools',
    (name) => {
      const bundle = bundleOf(join(OUT, `${name}.zip`));
      expect(bundle.name).toBe(`functions/${name}.js`);
      expect(bundle.bytes).toBeLessThanOrEqual(400 * 1024);
      const code = bundle.content.toString('utf8');
      // Minified: few, very long lines.
      expect(code.split('\n').length).toBeLessThan(50);
      expect(code).toContain('require("@aws-sdk/client-dynamodb")');
      expect(code).toContain('require("@aws-lambda-powertools/logger")');
    },
  );
});

describe('serverless package: operations', () => {
  const alarms = () =>
    Object.fromEntries(
      Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm'),
    );
  /** Every metric an alarm watches: a plain metric's name, or each metric and query of a metric-math alarm. */
  const watched = (alarm: Resource): string => {
    const properties = alarm.Properties as {
      MetricName?: string;
      Namespace?: string;
      Metrics?: { Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[];
    };
    if (properties.MetricName) return `${properties.Namespace}/${properties.MetricName}`;
    return (properties.Metrics ?? [])
      .map((metric) =>
        metric.MetricStat
          ? `${metric.MetricStat.Metric.Namespace}/${metric.MetricStat.Metric.MetricName}`
          : String(metric.Expression),
      )
      .join(' ');
  };

  it('alarms on what the functions publish and on the AWS metrics, each notifying the one topic', () => {
    const byName = alarms();
    const expected: Record<string, RegExp> = {
      DeliveriesGivenUpAlarm:
        /SELECT SUM\(DeliveriesGivenUp\) FROM SCHEMA\(CrmConversions, destination, reason, service\)/,
      PlatformRejectionsAlarm:
        /SELECT SUM\(PlatformRejections\) FROM SCHEMA\(CrmConversions, destination, reason, service\)/,
      DeferredDealsOverdueAlarm:
        /SELECT MAX\(CrmDealsDeferredOverdue\) FROM SCHEMA\(CrmConversions, crm, service\)/,
      BackfillErrorsAlarm: /^AWS\/Lambda\/Errors$/,
      BackfillTimeoutsAlarm: /^CrmConversions\/BackfillTimeouts$/,
      Api5xxAlarm: /^AWS\/ApiGateway\/5xx$/,
      LambdaErrorsAlarm: /(AWS\/Lambda\/Errors.*){3}/,
      LambdaThrottlesAlarm: /(AWS\/Lambda\/Throttles.*){4}/,
      DynamoThrottlesAlarm: /AWS\/DynamoDB\/ReadThrottleEvents AWS\/DynamoDB\/WriteThrottleEvents/,
    };
    expect(Object.keys(byName).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, pattern] of Object.entries(expected)) {
      const alarm = byName[name] as Resource;
      expect(watched(alarm), name).toMatch(pattern);
      expect(alarm.Properties, name).toMatchObject({
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        OKActions: [{ Ref: 'AlarmTopic' }],
        TreatMissingData: 'notBreaching',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
    }
    expect(resources.BackfillErrorsAlarm?.Properties.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: 'BackfillLambdaFunction' } },
    ]);
    expect(resources.Api5xxAlarm?.Properties.Dimensions).toEqual([
      { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
    ]);
    // The time-out alarm's metric comes from the backfill's own log group.
    expect(resources.BackfillTimeoutsMetricFilter?.Properties).toMatchObject({
      LogGroupName: { Ref: 'BackfillLogGroup' },
      FilterPattern: '"Task timed out"',
      MetricTransformations: [{ MetricNamespace: 'CrmConversions', MetricName: 'BackfillTimeouts' }],
    });
  });

  it('mails the alarm topic to the deploy parameter, and subscribes nobody when it is empty', () => {
    expect(resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
    const subscription = resources.AlarmEmailSubscription as Resource & { Condition?: string };
    expect(subscription.Type).toBe('AWS::SNS::Subscription');
    expect(subscription.Condition).toBe('HasAlarmEmail');
    expect(subscription.Properties).toMatchObject({ Protocol: 'email', TopicArn: { Ref: 'AlarmTopic' } });
    // The CI stage sets no address: the condition is false, so CloudFormation creates no subscription.
    expect(template.Conditions.HasAlarmEmail).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });

  it('has a dashboard of deliveries by destination and status, and of every alarm', () => {
    const dashboard = resources.DeliveriesDashboard as Resource;
    expect(dashboard.Type).toBe('AWS::CloudWatch::Dashboard');
    const [body, variables] = (dashboard.Properties.DashboardBody as { 'Fn::Sub': [string, object] })[
      'Fn::Sub'
    ];
    const substituted = body.replace(/\$\{(\w+(?:::\w+)?)\}/g, (_whole, name: string) =>
      name === 'AWS::Region' ? 'us-east-1' : `arn:${name}`,
    );
    const widgets = (
      JSON.parse(substituted) as { widgets: { type: string; properties: Record<string, unknown> }[] }
    ).widgets;
    const queries = widgets.flatMap((widget) =>
      ((widget.properties.metrics as { expression: string }[][] | undefined) ?? [])
        .flat()
        .map((m) => m.expression),
    );
    expect(queries).toContain(
      'SELECT SUM(Deliveries) FROM SCHEMA(CrmConversions, destination, service, status) GROUP BY destination, status',
    );
    const alarmWidget = widgets.find((widget) => widget.type === 'alarm');
    expect(alarmWidget?.properties.alarms).toHaveLength(Object.keys(alarms()).length);
    expect(Object.keys(variables)).toHaveLength(Object.keys(alarms()).length);
  });

  it('throttles every route at the stage from the deploy parameters', () => {
    expect(resources.HttpApiStage?.Properties.DefaultRouteSettings).toEqual({
      DetailedMetricsEnabled: false,
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
  });

  it('writes API access logs by route key, never the request path (the Salesforce path holds its token)', () => {
    const settings = resources.HttpApiStage?.Properties.AccessLogSettings as { Format: string };
    const fields = JSON.parse(settings.Format) as Record<string, string>;
    expect(fields.routeKey).toBe('$context.routeKey');
    expect(fields.status).toBe('$context.status');
    expect(settings.Format).not.toMatch(
      /\$context\.(path|resourcePath|rawPath)|\$request\.path|\$context\.identity/,
    );
  });

  it('protects the table from deletion', () => {
    expect(resources.ConversionsTable?.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('writes every ARN of ours with the AWS::Partition pseudo parameter (GovCloud and China deploy too)', () => {
    const ours = Object.entries(resources).filter(([id]) => !id.startsWith('ServerlessDeploymentBucket'));
    const literal = ours.filter(([, resource]) => JSON.stringify(resource).includes('arn:aws:'));
    expect(literal.map(([id]) => id)).toEqual([]);
    expect(JSON.stringify(resources.CollectRole)).toContain(
      'AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess',
    );
  });
});
