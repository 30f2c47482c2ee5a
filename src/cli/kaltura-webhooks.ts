import { KalturaWebhookSetup, type WebhookTemplateReport, webhookUrl } from '../modules/kaltura';
import { loadSettings } from '../platform/settings';

const USAGE = 'usage: npm run kaltura:webhooks -- --url https://<public host> [--check]';

/**
 * `npm run kaltura:webhooks -- --url https://…` creates and enables the service's HTTP notification templates on
 * the configured partner (KALTURA_PARTNER_ID, KALTURA_ADMIN_SECRET, KALTURA_SERVICE_URL, read through settings);
 * with `--check` it only reports what is missing or different. Idempotent: run it again any time.
 * Exit codes: 0 done / all ok, 1 `--check` found something to do, 2 bad usage or configuration, 3 Kaltura failed.
 */
export async function runWebhookSetup(
  argv: readonly string[],
  /** The environment to read settings from; undefined: the process's own (read by `loadSettings`). */
  env: NodeJS.ProcessEnv | undefined,
  out: (line: string) => void,
  setupFor: (settings: ReturnType<typeof loadSettings>) => KalturaWebhookSetup = (s) =>
    KalturaWebhookSetup.forPartner(s.kaltura),
): Promise<number> {
  const args = [...argv];
  const check = args.includes('--check');
  const urlAt = args.indexOf('--url');
  const unknown = args.filter((a, i) => a !== '--check' && a !== '--url' && i !== urlAt + 1);
  if (urlAt < 0 || !args[urlAt + 1] || unknown.length > 0) {
    out(unknown.length > 0 ? `unknown argument ${unknown[0]}\n${USAGE}` : USAGE);
    return 2;
  }
  let url: string;
  let settings: ReturnType<typeof loadSettings>;
  try {
    url = webhookUrl(args[urlAt + 1]);
    settings = loadSettings(env);
  } catch (err) {
    out(err instanceof Error ? err.message : String(err));
    return 2;
  }
  if (settings.kaltura.mode !== 'live') {
    out('No Kaltura partner is configured (sandbox mode): set KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET');
    return 2;
  }
  let reports: WebhookTemplateReport[];
  try {
    const setup = setupFor(settings);
    reports = check ? await setup.check(url) : await setup.apply(url);
  } catch (err) {
    // Domain and API errors carry codes and messages, never the secret or a KS.
    const code = (err as { code?: unknown }).code;
    out(
      `Kaltura refused or failed: ${typeof code === 'string' ? `${code} ` : ''}${err instanceof Error ? err.message : ''}`,
    );
    return 3;
  }
  out(`Partner ${settings.kaltura.partnerId}, webhook URL ${url}`);
  for (const r of reports) {
    out(
      `${r.systemName}: ${r.state}${r.id !== null ? ` (template ${r.id})` : ''}${r.detail ? `, ${r.detail}` : ''}`,
    );
  }
  return check && reports.some((r) => r.state !== 'ok') ? 1 : 0;
}

if (require.main === module) {
  runWebhookSetup(process.argv.slice(2), undefined, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(3);
    },
  );
}
