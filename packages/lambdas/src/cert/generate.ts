// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';
import type { CertKeyAlgorithm } from '../properties.js';

export interface SelfSignedRequest {
  dnsName: string;
  keyAlgorithm: CertKeyAlgorithm;
  validityDays: number;
  /** Start of validity; defaults to now minus five minutes, to absorb clock skew between hosts. */
  notBefore?: Date;
}

export interface SelfSignedCertificate {
  certificatePem: string;
  /** Unencrypted, as ACM requires: SEC1 for EC keys, PKCS#8 for RSA keys. */
  privateKeyPem: string;
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
}

const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** X.520 upper bound of a commonName. */
const CN_MAX = 64;

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True for a lower- or upper-case DNS host name of at least two labels, 253 characters at most. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.toLowerCase().split('.');
  return labels.length >= 2 && labels.every((label) => DNS_LABEL.test(label));
}

/**
 * The subject CN: the DNS name itself when it fits the 64-character limit; otherwise its first
 * label (ALB names such as `internal-<name>-<id>.<region>.elb.<suffix>` can exceed 64). Clients
 * match the SAN, which always carries the full name.
 */
export function commonNameFor(dnsName: string): string {
  return dnsName.length <= CN_MAX ? dnsName : (dnsName.split('.')[0] ?? dnsName).slice(0, CN_MAX);
}

const KEY_PARAMS: Record<CertKeyAlgorithm, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  EC_prime256v1: { name: 'ECDSA', namedCurve: 'P-256' },
  RSA_2048: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};

const SIGNING: Record<CertKeyAlgorithm, webcrypto.Algorithm | webcrypto.EcdsaParams> = {
  EC_prime256v1: { name: 'ECDSA', hash: 'SHA-256' },
  RSA_2048: { name: 'RSASSA-PKCS1-v1_5' },
};

/**
 * A new key pair and a self-signed TLS server certificate for `dnsName`, signed with SHA-256.
 * Pure computation (no I/O); each call makes a fresh key and a random 128-bit serial number.
 */
export async function generateSelfSigned(req: SelfSignedRequest): Promise<SelfSignedCertificate> {
  if (!isDnsName(req.dnsName)) throw new Error(`"${req.dnsName}" is not a DNS host name`);
  if (!Number.isInteger(req.validityDays) || req.validityDays < 1) {
    throw new Error(`validityDays must be a positive whole number, got ${req.validityDays}`);
  }
  const dnsName = req.dnsName.toLowerCase();
  const crypto = webcrypto;
  const keys = (await crypto.subtle.generateKey(KEY_PARAMS[req.keyAlgorithm], true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = req.notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter = new Date(notBefore.getTime() + req.validityDays * DAY_MS);
  // A positive serial: clear the top bit so DER does not read it as negative.
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const serialNumber = serial.toString('hex');
  const usages =
    req.keyAlgorithm === 'RSA_2048'
      ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment
      : KeyUsageFlags.digitalSignature;

  const cert = await X509CertificateGenerator.createSelfSigned(
    {
      serialNumber,
      name: [{ CN: [commonNameFor(dnsName)] }],
      notBefore,
      notAfter,
      signingAlgorithm: SIGNING[req.keyAlgorithm],
      keys,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(usages, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
        new SubjectAlternativeNameExtension([{ type: 'dns', value: dnsName }]),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const privateKeyPem =
    req.keyAlgorithm === 'EC_prime256v1'
      ? (keyObject.export({ format: 'pem', type: 'sec1' }) as string)
      : (keyObject.export({ format: 'pem', type: 'pkcs8' }) as string);

  return { certificatePem: cert.toString('pem'), privateKeyPem, notBefore, notAfter, serialNumber };
}
