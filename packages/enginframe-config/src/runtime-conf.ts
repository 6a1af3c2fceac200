import { Type, type Static } from '@sinclair/typebox';
import { toJavaProperties, type PropertiesLine } from './java-properties.js';
import { toShellAssignments, type ShellLine } from '@hpc-ha/portal-node';
import { validateSpec } from '@hpc-ha/portal-node';

/**
 * Settings this product owns in files the installer creates. The portal bootstrap replaces the block
 * between these markers (or appends it), so the block is rewritten whole and later lines win: in
 * `.properties` the last occurrence of a key wins, in a sourced shell file the last assignment does.
 */
export const MANAGED_BLOCK_BEGIN = '# BEGIN hpc-ha managed settings (rewritten at every boot; do not edit)';
export const MANAGED_BLOCK_END = '# END hpc-ha managed settings';

const PropertyMap = Type.Record(Type.String({ pattern: '^[A-Za-z0-9._-]+$' }), Type.String({ pattern: '^[^\\0]*$' }));

export const AgentConfSettingsSchema = Type.Object(
  {
    /** `ef.download.server.url`: where the agent sends users for file downloads. */
    downloadServerUrl: Type.String({ pattern: '^https?://\\S+$' }),
    extra: Type.Optional(PropertyMap),
  },
  { additionalProperties: false },
);
export type AgentConfSettings = Static<typeof AgentConfSettingsSchema>;

export const ServerConfSettingsSchema = Type.Object(
  {
    /** Enterprise member list (`ip:port,...`) or the boot marker the node replaces. */
    enterpriseMembers: Type.String({ minLength: 1, pattern: '^[^\\s]+$' }),
    /** Property holding the member list in `conf/enginframe/server.conf`. */
    enterpriseMembersProperty: Type.String({ pattern: '^[A-Za-z0-9._-]+$' }),
    defaultAuthority: Type.Optional(Type.String({ pattern: '^[a-z]+$' })),
    extra: Type.Optional(PropertyMap),
  },
  { additionalProperties: false },
);
export type ServerConfSettings = Static<typeof ServerConfSettingsSchema>;

const Heap = Type.String({ pattern: '^[1-9][0-9]*[mMgG]$' });
export const EnginframeConfSettingsSchema = Type.Object(
  {
    javaHome: Type.Optional(Type.String({ pattern: '^(/[A-Za-z0-9._/+-]*|@HPC_HA_[A-Z_]+@)$' })),
    serverMinHeap: Heap,
    serverMaxHeap: Heap,
    agentMinHeap: Heap,
    agentMaxHeap: Heap,
    /** These replace EnginFrame's default JVM options entirely when set. */
    serverJavaOptions: Type.Optional(Type.String({ pattern: '^[^\\n\\0]*$' })),
    agentJavaOptions: Type.Optional(Type.String({ pattern: '^[^\\n\\0]*$' })),
  },
  { additionalProperties: false },
);
export type EnginframeConfSettings = Static<typeof EnginframeConfSettingsSchema>;

function block(body: string): string {
  return `${MANAGED_BLOCK_BEGIN}\n${body}${MANAGED_BLOCK_END}\n`;
}

function extras(extra: Readonly<Record<string, string>> | undefined): PropertiesLine[] {
  return Object.entries(extra ?? {}).map(([k, v]) => [k, v] as const);
}

/** Managed block for `$EF_TOP/conf/enginframe/agent.conf` (`.properties`). */
export function renderAgentConfSettings(input: AgentConfSettings): string {
  const spec = validateSpec(AgentConfSettingsSchema, input, 'agent.conf settings');
  return block(toJavaProperties([['ef.download.server.url', spec.downloadServerUrl], ...extras(spec.extra)]));
}

/** Managed block for `$EF_TOP/conf/enginframe/server.conf` (`.properties`). */
export function renderServerConfSettings(input: ServerConfSettings): string {
  const spec = validateSpec(ServerConfSettingsSchema, input, 'server.conf settings');
  const lines: PropertiesLine[] = [[spec.enterpriseMembersProperty, spec.enterpriseMembers]];
  if (spec.defaultAuthority) lines.push(['EF_DEFAULT_AUTHORITY', spec.defaultAuthority]);
  return block(toJavaProperties([...lines, ...extras(spec.extra)]));
}

/** Managed block for `$EF_TOP/conf/enginframe.conf` (shell `KEY="value"`). */
export function renderEnginframeConfSettings(input: EnginframeConfSettings): string {
  const spec = validateSpec(EnginframeConfSettingsSchema, input, 'enginframe.conf settings');
  const lines: ShellLine[] = [];
  if (spec.javaHome) lines.push(['JAVA_HOME', spec.javaHome]);
  lines.push(['SERVER_MIN_HEAP', spec.serverMinHeap], ['SERVER_MAX_HEAP', spec.serverMaxHeap]);
  lines.push(['AGENT_MIN_HEAP', spec.agentMinHeap], ['AGENT_MAX_HEAP', spec.agentMaxHeap]);
  if (spec.serverJavaOptions !== undefined) lines.push(['SERVER_JAVA_OPTIONS', spec.serverJavaOptions]);
  if (spec.agentJavaOptions !== undefined) lines.push(['AGENT_JAVA_OPTIONS', spec.agentJavaOptions]);
  return block(toShellAssignments(lines));
}
