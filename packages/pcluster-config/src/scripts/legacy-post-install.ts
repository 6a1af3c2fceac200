import type { ClusterSpec } from '../spec/cluster-spec.js';
import { ClusterSpecError } from '../spec/errors.js';
import { parseClusterSpec } from '../spec/parse-spec.js';
import { accountCalls, accountFunctions, assertStatic, preamble } from './common.js';
import { pathsSection, publishSection } from './publish.js';

/** ParallelCluster 2.x writes the node's role into this file (`MasterServer` or `ComputeFleet`). */
const CFNCONFIG = '/etc/parallelcluster/cfnconfig';

/**
 * The ParallelCluster 2.x `post_install` script. 2.x runs one script on every node, so it branches on
 * `cfn_node_type`: the head node (`MasterServer`) does what renderHeadNodeScript does, a compute node
 * (`ComputeFleet`) what renderComputeNodeScript does. 2.x has no MungeKeySecretArn, so on every node it also
 * installs the deployment's shared munge key from Secrets Manager; the secret ARN is its argument (renderLegacyIni
 * writes it into `post_install_args`), since the script is an S3 asset and must not embed deploy-time values.
 * 2.x calls it as `<script> <script URL> <post_install_args...>`. Idempotent.
 */
export function renderLegacyPostInstallScript(input: ClusterSpec): string {
  const spec = parseClusterSpec(input);
  if (!/^2\.(10|11)\./.test(spec.parallelclusterVersion)) {
    throw new ClusterSpecError('cannot render a 2.x post_install script', [
      {
        path: 'parallelclusterVersion',
        message: `${spec.parallelclusterVersion} is not a 2.10.x or 2.11.x release; 3.x runs renderHeadNodeScript and renderComputeNodeScript as custom actions`,
      },
    ]);
  }
  assertStatic(spec);
  return `${preamble(
    spec,
    'post-install',
    'script (ParallelCluster 2.x post_install)',
    'Runs on every node: portal accounts and the shared munge key everywhere; the head node also publishes its Slurm client settings on EFS.',
  )}
${pathsSection(spec)}
# --- arguments: 2.x runs "<script> <script URL> <post_install_args...>"; post_install_args is the munge key secret ARN ---
if (($# > 0)) && [[ "$1" == s3://* || "$1" == https://* || "$1" == http://* ]]; then shift; fi
(($# > 0)) || die "missing argument: the munge key secret ARN (post_install_args of the cluster config)"
readonly MUNGE_SECRET_ARN="$1"
shift
if (($# > 0)); then log "ignoring $# extra argument(s) after the munge key secret ARN"; fi
secret_arn_re='^arn:[a-z-]+:secretsmanager:([a-z0-9-]+):[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$'
[[ "$MUNGE_SECRET_ARN" =~ $secret_arn_re ]] || die "'$MUNGE_SECRET_ARN' is not a Secrets Manager secret ARN"
readonly SECRET_REGION="\${BASH_REMATCH[1]}"

# --- which node this is ---
readonly CFNCONFIG="\${ROOT}${CFNCONFIG}"
cfn_value() { # key → its value in cfnconfig, surrounding quotes removed
  local want="$1" key value
  while IFS='=' read -r key value || [[ -n "$key" ]]; do
    [[ "$key" == "$want" ]] || continue
    value="\${value%\\"}"
    printf '%s\\n' "\${value#\\"}"
    return 0
  done <"$CFNCONFIG"
  return 1
}
[[ -r "$CFNCONFIG" ]] || die "$CFNCONFIG is missing; this is a ParallelCluster 2.x post_install script and runs on cluster nodes only"
node_type="$(cfn_value cfn_node_type)" || die "$CFNCONFIG has no cfn_node_type"
if stack_name="$(cfn_value stack_name)"; then
  [[ "$stack_name" == "parallelcluster-$CLUSTER_NAME" ]] ||
    die "this node belongs to stack '$stack_name' but the script was rendered for cluster $CLUSTER_NAME (stack parallelcluster-$CLUSTER_NAME)"
fi
${accountFunctions()}
# --- munge: every node gets the deployment's shared key, so the portal can talk to both clusters ---
install_munge_key() {
  local key="\${ROOT}/etc/munge/munge.key" tmp size
  [[ -d "\${key%/*}" ]] || die "\${key%/*} does not exist; is munge installed on this node?"
  tmp="$(mktemp "\${key}.hpc-ha.XXXXXX")"
  TMP_FILES+=("$tmp")
  # The key flows from the AWS CLI through a pipe into the temp file: never an argument, never in the log.
  if ! aws secretsmanager get-secret-value --region "$SECRET_REGION" --secret-id "$MUNGE_SECRET_ARN" \\
    --query SecretString --output text | base64 -d >"$tmp"; then
    die "cannot read the munge key from $MUNGE_SECRET_ARN (does the node role allow secretsmanager:GetSecretValue on it?) or it is not base64"
  fi
  size="$(stat -c %s "$tmp")"
  ((size >= 32)) || die "the munge key secret decodes to $size bytes; munge needs at least 32"
  chmod 0400 "$tmp"
  chown munge:munge "$tmp"
  if [[ -f "$key" ]] && cmp -s "$tmp" "$key"; then
    log "the shared munge key is already installed"
    return 0
  fi
  mv -f -- "$tmp" "$key"
  systemctl restart munge
  log "installed the shared munge key and restarted munge"
}

case "$node_type" in
  MasterServer)
    log "head node of cluster $CLUSTER_NAME"
${accountCalls(spec, true, '    ')}    install_munge_key
    ;;
  ComputeFleet)
${accountCalls(spec, false, '    ')}    install_munge_key
    log "compute node ready for cluster $CLUSTER_NAME"
    exit 0
    ;;
  *) die "cfn_node_type is '$node_type' in $CFNCONFIG; expected MasterServer or ComputeFleet" ;;
esac

${publishSection('legacy')}`;
}
