import { AccessLevel, AclPolicyDocument, AclRuleScope, AclToken } from '../acl';
import type { ConsulCluster } from '../cluster';
import { ServiceIntentions } from '../config-entries/service-intentions';
import { ServiceResolver } from '../config-entries/service-resolver';
import { SamenessGroup } from '../config-entries/sameness-group';
import { MeshService } from '../mesh-service';
import { Namespace } from '../namespace';
import { IPartition, Partition } from '../partition';
import { KIND, registered } from './registry';
import { isEnterprise } from './scoping';

/*
 * The one home of "which rules does the Terraform operator token of a cluster need for what this app
 * declares". Each rule comes from a resource the app writes with the cluster's provider:
 *
 *   consul_acl_token / _policy, data consul_acl_token_secret_id  -> acl = "write" (in the token's partition)
 *   consul_peering_token / consul_peering                        -> peering = "write" (partition)
 *   mesh, proxy-defaults, exported-services, sameness-group      -> mesh = "write" (partition)
 *   service-defaults / service-resolver of <svc>                 -> service "<svc>" write (namespace)
 *   service-intentions of <svc>                                  -> service "<svc>" read, intentions write
 *   data consul_service_health of a gateway (readiness)          -> service "<gw>" read, node_prefix "" read
 *   consul_admin_partition                                       -> operator = "write" (top level)
 *   consul_namespace                                             -> operator = "write" (its partition)
 *
 * Sources: Consul's ACL rules reference (website/content/docs/reference/acl/rule.mdx) for the resource of
 * each endpoint; config entries of kind mesh, proxy-defaults, exported-services and sameness-group need
 * mesh:write, the service-scoped kinds service:write, service-intentions intentions:write on the destination.
 */

/** The operator rules for `cluster` (see {@link ConsulCluster.operatorPolicyDocument}). */
export function operatorPolicyDocument(cluster: ConsulCluster): AclPolicyDocument {
  const doc = new AclPolicyDocument();
  // Without ACLs the operator needs no token at all.
  if (!cluster.aclsEnabled) return doc;
  const enterprise = isEnterprise(cluster);
  const partitions = cluster.partitions;
  const scopeOf = (p: IPartition): AclRuleScope | AclPolicyDocument => (enterprise ? doc.partition(p.partitionName) : doc);
  const namespaceOf = (p: IPartition, namespace?: string): AclRuleScope | AclPolicyDocument =>
    enterprise ? doc.partition(p.partitionName).namespace(namespace ?? 'default') : doc;
  const partitionOfArg = (arg: string | undefined): IPartition =>
    partitions.find((p) => arg !== undefined && (p.resourcePartition === arg || p.partitionName === arg)) ?? cluster.defaultPartition;

  // Tokens (and their policies and secret lookups), in the partition each is created in.
  const tokens = cluster.node.root.node.findAll().filter((c): c is AclToken => c instanceof AclToken && c.provider === cluster.provider);
  for (const p of new Set(tokens.map((t) => partitionOfArg(t.partition)))) scopeOf(p).addAclRule(AccessLevel.WRITE);

  if (cluster.meshConfig || cluster.proxyDefaults) scopeOf(cluster.defaultPartition).addMeshRule(AccessLevel.WRITE);
  for (const p of partitions) {
    if (p.peerings.length > 0) scopeOf(p).addPeeringRule(AccessLevel.WRITE);
    if (p.exportedServices || SamenessGroup.of(p).length > 0) scopeOf(p).addMeshRule(AccessLevel.WRITE);
    if (p instanceof Partition && !p.isDefault && !p.existing) doc.addOperatorRule(AccessLevel.WRITE);
    if (p.namespaces.some((n) => n instanceof Namespace)) scopeOf(p).addOperatorRule(AccessLevel.WRITE);
    for (const s of p.services) {
      if (s instanceof MeshService && s.serviceDefaults) namespaceOf(p, s.namespace).addServiceRule(s.serviceName, AccessLevel.WRITE);
    }
    for (const r of registered<ServiceResolver>(p, KIND.SERVICE_RESOLVER)) {
      namespaceOf(p, r.namespace).addServiceRule(r.serviceName, AccessLevel.WRITE);
      // Consul also wants read on every other service the chain names (canWriteDiscoveryChain).
      for (const t of r.failoverTargets) {
        if (t.serviceName !== undefined && t.serviceName !== r.serviceName) namespaceOf(p, t.targetNamespace ?? r.namespace).addServiceRule(t.serviceName, AccessLevel.READ);
      }
    }
    for (const i of registered<ServiceIntentions>(p, KIND.INTENTIONS)) {
      namespaceOf(p, i.namespace).addServiceRule(i.destinationName, AccessLevel.READ, { intentions: AccessLevel.WRITE });
    }
    for (const g of p.meshGateways) {
      if (g.readinessChecks.length === 0) continue;
      const gateways = namespaceOf(p, 'default');
      gateways.addServiceRule(g.gatewayServiceName, AccessLevel.READ);
      (enterprise ? doc.partition(p.partitionName).namespacePrefix('') : doc).addNodePrefixRule('', AccessLevel.READ);
    }
  }
  return doc;
}
