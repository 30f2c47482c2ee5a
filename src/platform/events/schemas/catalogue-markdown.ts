import { EVENT_TYPES, eventJsonSchema } from './event-schemas';

/** The catalogue section of docs/events.md, generated from the schemas (a test keeps the two equal). */
export function catalogueMarkdown(): string {
  const rows = EVENT_TYPES.map((s) => `| \`${s.type}\` | ${s.version} | ${s.audience} | ${s.description} |`);
  const schemas = EVENT_TYPES.map(
    (s) =>
      `### \`${s.type}\` v${s.version}\n\n${s.description}\n\n\`\`\`json\n${JSON.stringify(eventJsonSchema(s), null, 2)}\n\`\`\``,
  );
  return [
    '| type | version | audience | when |',
    '| ---- | ------- | -------- | ---- |',
    ...rows,
    '',
    ...schemas.flatMap((s) => [s, '']),
  ].join('\n');
}
