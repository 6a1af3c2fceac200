/**
 * `portal.openondemand:` of hpc-ha.yaml (with `portal.kind: openondemand`): the version, where the packages come
 * from, and what users see. Checked further, with lines, by checks/portal-kind.ts.
 */
import { Type, type Static } from '@sinclair/typebox';

import { DEFAULT_OPENONDEMAND_VERSION } from './ondemand.js';

export const OpenOnDemandSchema = Type.Object(
  {
    version: Type.String({
      default: DEFAULT_OPENONDEMAND_VERSION,
      description: `Open OnDemand package version, x.y.z (default ${DEFAULT_OPENONDEMAND_VERSION}); its x.y picks the repository directory.`,
    }),
    repositoryUrl: Type.Optional(
      Type.String({
        description:
          'The project’s RPM repository (default https://yum.osc.edu/ondemand) or an https:// mirror of it with the same layout. Omit with bundle.',
      }),
    ),
    bundle: Type.Optional(
      Type.Object(
        {
          uri: Type.String({ minLength: 1, description: 'A tar of the Open OnDemand RPMs for Amazon Linux 2023 x86_64, staged in an S3 bucket in the deployment’s region (s3://) or on HTTPS.' }),
          sha256: Type.String({ description: 'SHA-256 of the tar as 64 hexadecimal characters; nodes refuse a file that does not match.' }),
        },
        {
          additionalProperties: false,
          description: 'Instead of the repository (which may be slow or blocked from China): packages the user staged, checked against their SHA-256.',
        },
      ),
    ),
    title: Type.String({ default: 'Open OnDemand', description: 'Portal title in the dashboard navbar and on the login page.' }),
    brandColor: Type.Optional(Type.String({ description: 'Navbar background colour, #rgb or #rrggbb.' })),
    clusters: Type.Optional(
      Type.Array(Type.Union([Type.Literal('cluster1'), Type.Literal('cluster2')]), {
        description: 'Which clusters the portal offers (default both); the others stay usable from the clusters themselves.',
      }),
    ),
    idleTimeoutMinutes: Type.Integer({
      default: 480,
      minimum: 5,
      maximum: 10080,
      description: 'Users are logged out after this many minutes without a request (default 480).',
    }),
    serverName: Type.Optional(
      Type.String({ description: 'Host name users open (a DNS name pointing at the load balancer); default the load balancer’s own DNS name.' }),
    ),
    desktop: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean({ default: true, description: 'Offer the Desktop interactive app on every cluster the portal shows (default true once desktop is given).' }),
          session: Type.Union([Type.Literal('xfce'), Type.Literal('mate')], { default: 'xfce', description: 'The desktop the sessions run: xfce (default) or mate.' }),
          maxHours: Type.Integer({ default: 8, minimum: 1, maximum: 720, description: 'Longest session a user may ask for, in hours (default 8).' }),
          maxCores: Type.Integer({ default: 4, minimum: 1, maximum: 1024, description: 'Most cores a session may ask for (default 4); Slurm refuses more than the queue’s nodes have.' }),
          bundle: Type.Optional(
            Type.Object(
              {
                uri: Type.String({ minLength: 1, description: 'A tar of .rpm (or, on Ubuntu, .deb) files for clusters.os: a VNC server with a user-run vncserver (TurboVNC), websockify and the desktop, with what they need beyond the OS repositories; s3:// in the deployment’s region or https://.' }),
                sha256: Type.String({ description: 'SHA-256 of the tar as 64 hexadecimal characters; compute nodes refuse a file that does not match.' }),
              },
              { additionalProperties: false, description: 'Required on cluster OSes whose repositories lack the desktop packages (every OS but Ubuntu).' },
            ),
          ),
        },
        {
          additionalProperties: false,
          description: 'The Desktop app (Open OnDemand’s bc_desktop): a VNC desktop in a Slurm job on a compute node, opened in the browser.',
        },
      ),
    ),
  },
  { additionalProperties: false, description: 'Open OnDemand settings (portal.kind: openondemand).' },
);

export type OpenOnDemandConfigFile = Static<typeof OpenOnDemandSchema>;
