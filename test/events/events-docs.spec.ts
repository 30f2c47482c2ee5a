import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueMarkdown } from '../../src/platform/events';

describe('docs/events.md', () => {
  it('shows the event catalogue exactly as the code defines it', () => {
    const doc = readFileSync(join(__dirname, '../../docs/events.md'), 'utf8');
    const section = /<!-- catalogue:start -->\n([\s\S]*)<!-- catalogue:end -->/.exec(doc)?.[1];
    expect(section).toBeDefined();
    expect(section!.trim()).toBe(catalogueMarkdown().trim());
  });
});
