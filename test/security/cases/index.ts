import type { AttackCase } from '../harness/types';
import { cases as item01 } from './item-01-channels.cases';
import { cases as item02 } from './item-02-command-policy.cases';
import { cases as item03 } from './item-03-guarded-routes.cases';
import { cases as item04 } from './item-04-config-writes.cases';
import { cases as item05 } from './item-05-sandbox.cases';
import { cases as item06 } from './item-06-trust-proxy.cases';
import { cases as item07 } from './item-07-surface.cases';
import { cases as item08 } from './item-08-webhook-length-extension.cases';
import { cases as item09 } from './item-09-rate-limits.cases';
import { cases as item10 } from './item-10-fake-discord.cases';

/**
 * Every row of the table, by issue 17 item. To add an item: create `item-NN-<slug>.cases.ts` exporting
 * `cases: AttackCase[]`, and list it here (keep the list sorted by item).
 */
export const ALL_CASES: AttackCase[] = [
  ...item01,
  ...item02,
  ...item03,
  ...item04,
  ...item05,
  ...item06,
  ...item07,
  ...item08,
  ...item09,
  ...item10,
];
