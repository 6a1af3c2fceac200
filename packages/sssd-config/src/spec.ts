import { Type, type Static } from '@sinclair/typebox';

/** sssd option names: lower-case words joined by `_`. */
export const SSSD_OPTION_PATTERN = '^[a-z][a-z0-9_]*$';
/** A value runs to the end of its line in sssd.conf; there is no quoting to escape a line break. */
const OneLine = (extra: Record<string, unknown> = {}) => Type.String({ minLength: 1, pattern: '^[^\\n\\r\\0]*$', ...extra });

/**
 * One directory as sssd on a node sees it. `ldapUris` may hold deploy-time values (CDK tokens, `<Placeholders>`),
 * which pass through untouched.
 */
export const SssdSpecSchema = Type.Object(
  {
    /** rfc2307: posixAccount/posixGroup entries (OpenLDAP), uid/gid from the directory. ad: Active Directory, uid/gid mapped from SIDs. */
    schema: Type.Union([Type.Literal('rfc2307'), Type.Literal('ad')]),
    ldapUris: Type.Array(OneLine({ pattern: '^ldaps://[^\\s,]+$' }), { minItems: 1 }),
    searchBase: OneLine(),
    bindDn: OneLine(),
    tlsReqCert: Type.Optional(
      Type.Union([Type.Literal('never'), Type.Literal('allow'), Type.Literal('try'), Type.Literal('demand'), Type.Literal('hard')]),
    ),
    /** Absolute path of the CA bundle on the node; omit to trust the OS store. */
    caCertFile: Type.Optional(Type.String({ pattern: '^/[A-Za-z0-9._/-]+$' })),
    /** override_homedir: %u is the user name. The same value on every node keeps one home per user. */
    homeDirectory: Type.String({ pattern: '^/[A-Za-z0-9._/%-]+$' }),
    defaultShell: Type.Optional(Type.String({ pattern: '^/[A-Za-z0-9._/-]+$' })),
    /** Further [domain/default] options; they may not replace the ones above (nor carry the bind password). */
    extraOptions: Type.Optional(Type.Record(Type.String({ pattern: SSSD_OPTION_PATTERN }), OneLine(), { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export type SssdSpec = Static<typeof SssdSpecSchema>;
