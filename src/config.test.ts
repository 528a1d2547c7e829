import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('configuration from the environment', () => {
  it('has working defaults', () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      port: 3000,
      databaseUrl: 'sqlite:./data/contentstats.db',
      snapshotIntervalSeconds: 3600,
      costPerSnapshotMicroUsd: 15_000,
      upstreams: {},
      proxyUrls: [],
      adminToken: undefined,
      unauthenticatedRateLimitPerMinute: 300,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      schedulerConcurrency: 16,
      schedulerPlatformConcurrency: 8,
    });
  });

  it('reads the scheduler pools', () => {
    const result = loadConfig({ SCHEDULER_CONCURRENCY: '256', SCHEDULER_PLATFORM_CONCURRENCY: '96' });
    expect(
      result.ok && [result.value.schedulerConcurrency, result.value.schedulerPlatformConcurrency],
    ).toEqual([256, 96]);
  });

  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://x'],
    ['SNAPSHOT_INTERVAL_SECONDS', '0'],
    ['COST_PER_SNAPSHOT_USD', '-1'],
    ['CONTENTSTATS_ADMIN_TOKEN', 'short'],
    ['CONTENTSTATS_UPSTREAMS', '{not json'],
    ['CONTENTSTATS_UPSTREAMS', '{"https://www.tiktok.com": 5}'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '10.0.0.1, proxy.local'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '-1'],
    ['SCHEDULER_CONCURRENCY', '0'],
    ['SCHEDULER_PLATFORM_CONCURRENCY', '0'],
    ['SMTP_URL', 'mail.example.com:25'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['PUBLIC_BASE_URL', 'contentstats.example.com'],
    ['CONTENTSTATS_PROXY_URLS', 'http://p1:8080, p2:8080'],
    ['HOST', 'local host'],
    ['UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE', '0'],
    ['HTTP_HEADERS_TIMEOUT_SECONDS', '0'],
    ['HTTP_REQUEST_TIMEOUT_SECONDS', 'soon'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', '-5'],
    ['X_GRAPHQL_QUERY_ID', 'has spaces in it'],
    ['X_GRAPHQL_FEATURES', '{"flag": 1}'],
    ['X_GRAPHQL_FEATURES', '[true]'],
    ['X_QUERY_ID_DISCOVERY', 'maybe'],
    ['INSTAGRAM_POST_DOC_ID', 'abc123'],
    ['INSTAGRAM_LEGACY_POST_DOC_ID', '12'],
    ['OPERATOR_EMAIL', 'ops at example'],
    ['SOURCE_ALERT_BELOW_PERCENT', '150'],
    ['SOURCE_ALERT_WINDOW_MINUTES', '0'],
    ['SOURCE_ALERT_MIN_ATTEMPTS', '0'],
    ['PLATFORM_OVERRIDES_FILE', '/nonexistent/platform-overrides.json'],
  ])('a bad %s is refused with a message naming it', (name, value) => {
    const result = loadConfig({ [name]: value });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.problems.join('\n')).toContain(name);
  });

  it.each([
    ['false', false],
    ['true', true],
    ['0', false],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    [' 10.0.0.0/8, fd00::/8 ,127.0.0.1 ', ['10.0.0.0/8', 'fd00::/8', '127.0.0.1']],
  ])('TRUST_PROXY=%s trusts %j', (value, trust) => {
    const result = loadConfig({ TRUST_PROXY: value });
    expect(result.ok && result.value.trustProxy).toEqual(trust);
  });

  it('takes well-formed SMTP, public base and host values', () => {
    const result = loadConfig({
      SMTP_URL: 'smtps://user:secret@mail.example.com:465',
      PUBLIC_BASE_URL: 'https://stats.example.com',
      HOST: '::1',
    });
    expect(result.ok && result.value).toMatchObject({
      smtpUrl: 'smtps://user:secret@mail.example.com:465',
      publicBaseUrl: 'https://stats.example.com',
      host: '::1',
    });
  });

  it('refuses a headers timeout longer than the request timeout, naming it', () => {
    const result = loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '60', HTTP_REQUEST_TIMEOUT_SECONDS: '30' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.problems).toEqual([
      'HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS',
    ]);
  });

  it('parses upstreams and proxies', () => {
    const result = loadConfig({
      CONTENTSTATS_UPSTREAMS: '{"https://www.tiktok.com":"http://127.0.0.1:9001"}',
      CONTENTSTATS_PROXY_URLS: 'http://p1:8080, http://p2:8080',
      COST_PER_SNAPSHOT_USD: '0.02',
    });
    expect(result.ok && result.value).toMatchObject({
      upstreams: { 'https://www.tiktok.com': 'http://127.0.0.1:9001' },
      proxyUrls: ['http://p1:8080', 'http://p2:8080'],
      costPerSnapshotMicroUsd: 20_000,
    });
  });

  it('lays the platform override variables over the built-in defaults', () => {
    const plain = loadConfig({});
    expect(plain.ok && plain.value.platformOverrides).toEqual({ x: { discovery: true }, instagram: {} });
    expect(plain.ok && plain.value.sourceAlert).toEqual({
      belowShare: 0.5,
      windowMs: 1_800_000,
      minAttempts: 20,
    });
    const set = loadConfig({
      X_GRAPHQL_QUERY_ID: 'AbCdEfGh_12-34',
      X_GRAPHQL_FEATURES: '{"new_flag_enabled":true}',
      X_QUERY_ID_DISCOVERY: 'off',
      INSTAGRAM_POST_DOC_ID: '1234567890',
      OPERATOR_EMAIL: 'ops@example.com',
    });
    expect(set.ok && set.value.platformOverrides).toEqual({
      x: {
        tweetResultByRestIdQueryId: 'AbCdEfGh_12-34',
        features: { new_flag_enabled: true },
        discovery: false,
      },
      instagram: { postDocId: '1234567890' },
    });
    expect(set.ok && set.value.operatorEmail).toBe('ops@example.com');
  });
});
