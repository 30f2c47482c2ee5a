import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REDIS_DBS } from './redis-dbs';

describe('Redis database registry', () => {
  it('gives every entry its own index within Redis default 16 databases', () => {
    const indexes = Object.values(REDIS_DBS);
    expect(new Set(indexes).size).toBe(indexes.length);
    for (const db of indexes) expect(db >= 0 && db < 16).toBe(true);
  });

  it('is where every suite takes its database from: no literal index beside redisUrlForDb or requireEmptyRedisDb', () => {
    const root = join(__dirname, '..');
    const specs = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.spec.ts'),
    );
    const literal = specs.filter((f) =>
      /(redisUrlForDb|requireEmptyRedisDb)\(\d|REDIS_DB\s*=\s*\d/.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(literal).toEqual([]);
  });
});
