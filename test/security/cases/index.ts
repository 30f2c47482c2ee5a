import type { AttackCase } from '../harness/types';
import { cases as item01 } from './item-01-channels.cases';
import { cases as item09 } from './item-09-rate-limits.cases';
import { cases as item10 } from './item-10-fake-discord.cases';

/**
 * Every row of the table, by issue 17 item. To add an item: create `item-NN-<slug>.cases.ts` exporting
 * `cases: AttackCase[]`, and list it here (keep the list sorted by item).
 */
export const ALL_CASES: AttackCase[] = [...item01, ...item09, ...item10];
