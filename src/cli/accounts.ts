// Operator commands: the same operations as /admin/v1, straight against the database.
import type { Command } from 'commander';
import { type AccountError, createAccount, createApiKey, listKeys, revokeKey } from '../accounts/accounts.ts';
import { presentAccount, presentKey } from '../api/presenters.ts';
import type { FundsError } from '../billing/funds.ts';
import { microUsdToUsd, usdToMicroUsd } from '../billing/money.ts';
import { PLAN_NAMES } from '../billing/plans.ts';
import { findAccount, findAccountByEmail, listAccounts } from '../store/accounts.ts';
import type { Store } from '../store/database.ts';
import type { Account, Mode } from '../store/schema.ts';
import { changeAccount, changeFunds } from '../tracking/change-account.ts';
import { badUsage, refused } from './failure.ts';
import { type CliIo, writeLine } from './io.ts';
import { withStore } from './runtime.ts';

/** An account named by id (acc_…) or email. */
export async function accountOrRefuse(store: Store, idOrEmail: string): Promise<Account> {
  const account = idOrEmail.includes('@')
    ? await findAccountByEmail(store, idOrEmail.trim().toLowerCase())
    : await findAccount(store, idOrEmail);
  return account ?? refused(`no account ${idOrEmail}`);
}

function parseUsd(value: string, name: string): number {
  const usd = Number(value);
  if (!Number.isFinite(usd) || Math.abs(usd) > 1_000_000) badUsage(`${name} must be a number of USD`);
  return usd;
}

/** How a command ends on a domain error: the CLI's side of the API's error replies (api/error-replies.ts). */
function accountRefusal(error: AccountError | FundsError, email?: string): never {
  switch (error.kind) {
    case 'email_taken':
      return refused(`an account with email ${email} already exists`);
    case 'account_not_found':
      return refused('account not found');
    case 'invalid_plan':
      return badUsage(`--plan must be one of ${PLAN_NAMES.join(', ')}`);
    case 'live_key_from_test_key':
      return refused('a test key can only create test keys');
    case 'key_not_found':
      return refused('no such active key');
    case 'would_overdraw':
      return refused(`only $${microUsdToUsd(error.availableMicroUsd)} is not reserved`);
    default:
      return unmapped(error);
  }
}

function unmapped(error: never): never {
  throw new Error(`no message for error ${JSON.stringify(error)}`);
}

const describeAccount = (a: Account): string =>
  `${a.id}  ${a.email}  plan=${a.plan}${a.disabled ? ' DISABLED' : ''}  balance=$${microUsdToUsd(a.balance_micro_usd)}  reserved=$${microUsdToUsd(a.reserved_micro_usd)}`;

const JSON_OPTION = ['--json', "print the result as JSON (the shape of the operator API's answers)"] as const;

export function registerAccountCommands(program: Command, io: CliIo): void {
  const print = (line: string) => writeLine(io.stdout, line);
  /** One JSON document with --json, else the human-readable lines. */
  const answer = (options: { json?: boolean }, data: object, lines: () => void) => {
    if (options.json) print(JSON.stringify(data));
    else lines();
  };
  const accounts = program.command('accounts').description('Create and manage accounts');

  accounts
    .command('create')
    .description('Create an account and print its live and test keys (shown once)')
    .requiredOption('--email <email>', "the account's email (receives notifications)")
    .option('--plan <plan>', `one of ${PLAN_NAMES.join(', ')}`, 'free')
    .option('--credit <usd>', 'initial credit in USD', '0')
    .option(...JSON_OPTION)
    .action(async (options: { email: string; plan: string; credit: string; json?: boolean }) => {
      if (!/^[^@\s]+@[^@\s]+$/.test(options.email)) badUsage('--email must be an email address');
      const credit = parseUsd(options.credit, '--credit');
      if (credit < 0) badUsage('--credit must not be negative');
      await withStore(io, async (store) => {
        const created = await createAccount(store, {
          email: options.email,
          plan: options.plan,
          creditMicroUsd: usdToMicroUsd(credit),
          now: Date.now(),
        });
        if (!created.ok) accountRefusal(created.error, options.email);
        const { account, liveKey, testKey } = created.value;
        answer(
          options,
          { account: presentAccount(account), api_key: liveKey.key, test_api_key: testKey.key },
          () => {
            print(
              `account   ${account.id} (${account.email}, plan ${account.plan}, balance $${microUsdToUsd(account.balance_micro_usd)})`,
            );
            print(`live key  ${liveKey.key}`);
            print(`test key  ${testKey.key}`);
            print('Store the keys now: they are shown only once.');
          },
        );
      });
    });

  accounts
    .command('show <account>')
    .description('Show an account (id or email) and its keys')
    .option(...JSON_OPTION)
    .action(async (idOrEmail: string, options: { json?: boolean }) => {
      await withStore(io, async (store) => {
        const account = await accountOrRefuse(store, idOrEmail);
        const keys = await listKeys(store, account.id);
        answer(options, { account: presentAccount(account), keys: keys.map(presentKey) }, () => {
          print(describeAccount(account));
          for (const key of keys) {
            print(`  key ${key.id}  ${key.prefix}…  ${key.mode}${key.revoked_at ? '  revoked' : ''}`);
          }
        });
      });
    });

  accounts
    .command('list')
    .description('List every account, oldest first')
    .option(...JSON_OPTION)
    .action(async (options: { json?: boolean }) => {
      await withStore(io, async (store) => {
        const all = await listAccounts(store);
        answer(options, { accounts: all.map(presentAccount) }, () => {
          for (const account of all) print(describeAccount(account));
          print(`${all.length} account${all.length === 1 ? '' : 's'}`);
        });
      });
    });

  accounts
    .command('set <account>')
    .description('Change plan, limits or the disabled flag')
    .option('--plan <plan>', `one of ${PLAN_NAMES.join(', ')}`)
    .option('--rate-limit <perMinute>', 'requests per minute override ("default" clears it)')
    .option('--max-videos <n>', 'videos monitored at once override ("default" clears it)')
    .option('--disable', 'disable the account (cancels its trackings)')
    .option('--enable', 'enable the account')
    .option(...JSON_OPTION)
    .action(
      async (
        idOrEmail: string,
        options: {
          plan?: string;
          rateLimit?: string;
          maxVideos?: string;
          disable?: boolean;
          enable?: boolean;
          json?: boolean;
        },
      ) => {
        const override = (value: string | undefined, name: string): number | null | undefined => {
          if (value === undefined) return undefined;
          if (value === 'default') return null;
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1) badUsage(`${name} must be a positive integer or "default"`);
          return n;
        };
        await withStore(io, async (store) => {
          const account = await accountOrRefuse(store, idOrEmail);
          const result = await changeAccount(
            store,
            account.id,
            {
              ...(options.plan === undefined ? {} : { plan: options.plan }),
              ...(options.rateLimit === undefined
                ? {}
                : { rate_limit_per_minute: override(options.rateLimit, '--rate-limit') }),
              ...(options.maxVideos === undefined
                ? {}
                : { max_active_videos: override(options.maxVideos, '--max-videos') }),
              ...(options.disable ? { disabled: 1 } : options.enable ? { disabled: 0 } : {}),
            },
            Date.now(),
          );
          if (!result.ok) accountRefusal(result.error);
          const { account: changed, cancelledTrackings } = result.value;
          answer(
            options,
            { account: presentAccount(changed), cancelled_trackings: cancelledTrackings },
            () => {
              if (options.disable) print(`cancelled ${cancelledTrackings} trackings`);
              print(describeAccount(changed));
            },
          );
        });
      },
    );

  program
    .command('credits')
    .description('Add credit to an account')
    .command('add <account> <usd>')
    .description('Add USD credit (negative: an adjustment, never below what is reserved)')
    .option('--note <note>', 'why (kept in the ledger)')
    .option(...JSON_OPTION)
    .action(async (idOrEmail: string, usd: string, options: { note?: string; json?: boolean }) => {
      const amount = parseUsd(usd, 'amount');
      if (amount === 0) badUsage('amount must not be 0');
      await withStore(io, async (store) => {
        const account = await accountOrRefuse(store, idOrEmail);
        const result = await changeFunds(store, {
          accountId: account.id,
          amountMicroUsd: usdToMicroUsd(amount),
          note: options.note ?? null,
          now: Date.now(),
        });
        if (!result.ok) accountRefusal(result.error);
        const credited = result.value;
        answer(options, { account: presentAccount(credited) }, () => print(describeAccount(credited)));
      });
    });

  const keys = program.command('keys').description("Manage an account's API keys");
  keys
    .command('create <account>')
    .description('Create a key and print it (shown once)')
    .option('--mode <mode>', 'live or test', 'live')
    .option('--name <name>', 'a label for the key')
    .option(...JSON_OPTION)
    .action(async (idOrEmail: string, options: { mode: string; name?: string; json?: boolean }) => {
      if (options.mode !== 'live' && options.mode !== 'test') badUsage('--mode must be live or test');
      await withStore(io, async (store) => {
        const account = await accountOrRefuse(store, idOrEmail);
        const created = await createApiKey(store, {
          accountId: account.id,
          mode: options.mode as Mode,
          name: options.name ?? null,
          now: Date.now(),
        });
        if (!created.ok) accountRefusal(created.error);
        const { id, key, mode, prefix, name } = created.value;
        answer(options, { id, api_key: key, mode, prefix, name }, () => {
          print(`${id}  ${key}`);
          print('Store the key now: it is shown only once.');
        });
      });
    });
  keys
    .command('list <account>')
    .description("List an account's keys (prefix only)")
    .option(...JSON_OPTION)
    .action(async (idOrEmail: string, options: { json?: boolean }) => {
      await withStore(io, async (store) => {
        const account = await accountOrRefuse(store, idOrEmail);
        const keys = await listKeys(store, account.id);
        answer(options, { keys: keys.map(presentKey) }, () => {
          for (const key of keys) {
            const state = key.revoked_at ? `revoked ${new Date(key.revoked_at).toISOString()}` : 'active';
            print(`${key.id}  ${key.prefix}…  ${key.mode}  ${key.name ?? ''}  ${state}`);
          }
        });
      });
    });
  keys
    .command('revoke <account> <keyId>')
    .description('Revoke a key')
    .option(...JSON_OPTION)
    .action(async (idOrEmail: string, keyId: string, options: { json?: boolean }) => {
      await withStore(io, async (store) => {
        const account = await accountOrRefuse(store, idOrEmail);
        const revoked = await revokeKey(store, { accountId: account.id, keyId, now: Date.now() });
        if (!revoked.ok) refused(`no active key ${keyId} on ${account.id}`);
        answer(options, { revoked: keyId }, () => print(`revoked ${keyId}`));
      });
    });
}
