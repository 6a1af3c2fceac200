/**
 * Markers for values only the node knows or may hold: secrets read from Secrets Manager at boot, the head node
 * address a cluster publishes, the directory server that answers and the node's own address. Each stands inside a double-quoted YAML scalar; the portal bootstrap swaps the whole
 * quoted marker for the value encoded as a JSON string (JSON strings are valid YAML double-quoted scalars).
 */
export const OOD_BOOT_VALUES = {
  /** mod_auth_openidc's `OIDCCryptoPassphrase`: shared by both nodes, so a state cookie from one decrypts on the other. */
  oidcCryptoPassphrase: '@HPC_HA_OIDC_CRYPTO_PASSPHRASE@',
  /** Dex's LDAP `bindPW`: the directory's read-only bind password. */
  ldapBindPassword: '@HPC_HA_LDAP_BIND_PASSWORD@',
  /** The external OpenID Connect provider's client secret. */
  oidcClientSecret: '@HPC_HA_OIDC_CLIENT_SECRET@',
  /** Dex's LDAP `host`: the first server of the node's list that answers (own AZ's first), re-chosen by a timer. */
  ldapHost: '@HPC_HA_LDAP_HOST@',
  /** The node's private address (instance metadata), a server alias so the load balancer's health check, which
   *  sends it as the Host header, reaches the health file instead of the redirect to the portal name. */
  nodeAddress: '@HPC_HA_NODE_ADDRESS@',
  /** A cluster's head node, as it published itself on EFS. */
  loginHost: '@HPC_HA_LOGIN_HOST@',
} as const;

export type OodBootValue = (typeof OOD_BOOT_VALUES)[keyof typeof OOD_BOOT_VALUES];
