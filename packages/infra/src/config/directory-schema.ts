/**
 * The `directory:` section of hpc-ha.yaml: where portal and cluster users come from. One flat object whose `type`
 * decides which keys apply; the loader (checks/directory.ts) says, with the line, which key a type needs or refuses —
 * clearer than the dozen alternatives ajv would report for a union of objects.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DIRECTORY_TYPES, LDAP_TLS_REQCERT } from './directory.js';


export const DirectorySchema = Type.Object(
  {
    type: Type.Union(
      DIRECTORY_TYPES.map((t) => Type.Literal(t)),
      {
        default: 'none',
        description:
          'none (default): only the local efadmin account. activeDirectory: a Microsoft AD (self-managed or AWS Managed Microsoft AD). ldap: an LDAP server with RFC 2307 (posixAccount) users, e.g. OpenLDAP.',
      },
    ),
    domainName: Type.Optional(
      Type.String({ description: 'activeDirectory: the AD domain as an FQDN (corp.example.com) or DN (DC=corp,DC=example,DC=com).' }),
    ),
    create: Type.Optional(
      Type.Boolean({
        description:
          'activeDirectory only: true creates an AWS Managed Microsoft AD named domainName, one domain controller in each private subnet; omit uris then.',
      }),
    ),
    uris: Type.Optional(
      Type.Array(Type.String(), {
        description: 'LDAPS URIs of the directory servers (ldaps://host[:port]), one per Availability Zone recommended.',
      }),
    ),
    baseDn: Type.Optional(
      Type.String({ description: 'Search base for users and groups. ldap: required; activeDirectory: default derived from domainName.' }),
    ),
    bindDn: Type.Optional(
      Type.String({
        description:
          'DN of the read-only user sssd binds as, e.g. CN=ReadOnlyUser,OU=Users,OU=CORP,DC=corp,DC=example,DC=com. With create: true the default is CN=ReadOnlyUser in the new directory’s Users OU.',
      }),
    ),
    bindPasswordSecretArn: Type.Optional(
      Type.String({
        description:
          'ARN of the Secrets Manager secret whose SecretString is the bind password as plain text (the form ParallelCluster’s DirectoryService.PasswordSecretArn expects).',
      }),
    ),
    caCertificate: Type.Optional(
      Type.Object(
        {
          uri: Type.String({ minLength: 1, description: 'Where nodes fetch the PEM CA certificate that signed the directory servers’ certificates: s3:// URI or https:// URL.' }),
          sha256: Type.Optional(Type.String({ description: 'SHA-256 of the PEM file as 64 hexadecimal characters; nodes refuse a file that does not match.' })),
        },
        { additionalProperties: false, description: 'CA certificate of the directory; omit when a CA the OS already trusts signed it.' },
      ),
    ),
    ldapTlsReqCert: Type.Optional(
      Type.Union(
        LDAP_TLS_REQCERT.map((v) => Type.Literal(v)),
        { description: 'How strictly nodes check the server certificate (sssd ldap_tls_reqcert); default hard.' },
      ),
    ),
    adminGroup: Type.Optional(
      Type.String({ description: 'Directory group whose members are portal administrators.' }),
    ),
    allowedGroups: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description:
          'Who may use the platform: distinguished names of directory groups (e.g. CN=HPC Users,OU=Groups,DC=corp,DC=example,DC=com). Only their members log in to the portal (Dex), pass sssd’s account check on the portal nodes and log in or run jobs on the clusters (ParallelCluster LdapAccessFilter). Matched through memberOf: Active Directory follows nested groups; an LDAP directory must keep memberOf on user entries (OpenLDAP memberof overlay, 389 DS, FreeIPA). Omit to let every directory user in.',
      }),
    ),
    sssdSettings: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Additional sssd [domain] options for portal and cluster nodes alike (ParallelCluster AdditionalSssdConfigs), e.g. ldap_access_filter.',
      }),
    ),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'Where users come from: the same directory users, with the same uid and home, on both portal nodes and both clusters.',
  },
);

export type DirectoryConfigFile = Static<typeof DirectorySchema>;
