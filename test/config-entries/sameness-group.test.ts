import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Testing, TerraformStack } from 'cdktf';
import { ClusterPeering, ConsulCluster, ConsulEdition, SamenessGroup, SamenessGroupMember, ValidationError } from '../../lib';
import { emptyStack, resources, synthJson } from '../fixtures/stack';

interface Mesh {
  readonly stack: TerraformStack;
  readonly dc1: ConsulCluster;
  readonly dc2: ConsulCluster;
  readonly dc3: ConsulCluster;
}

/**
 * Enterprise dc1 (with partition ap1) peered with dc2 and dc3, which accept; no mesh defaults, so the only
 * config entries are the ones a test creates. `reversed` declares clusters, partition and peerings in the
 * opposite order.
 */
function mesh(reversed = false, edition: ConsulEdition = ConsulEdition.ENTERPRISE): Mesh {
  const stack = emptyStack();
  const make = (n: number) => new ConsulCluster(stack, `Dc${n}`, { datacenter: `dc${n}`, address: `127.0.0.${n}:8500`, edition, manageMeshDefaults: false });
  const [dc1, dc2, dc3] = reversed ? [3, 2, 1].map(make).reverse() : [1, 2, 3].map(make);
  const peer = (n: number) => new ClusterPeering(stack, `Dc${n}Dc1`, { acceptor: (n === 2 ? dc2 : dc3).defaultPartition, dialer: dc1.defaultPartition });
  if (edition === ConsulEdition.ENTERPRISE && !reversed) dc1.addPartition('ap1');
  (reversed ? [3, 2] : [2, 3]).forEach(peer);
  if (edition === ConsulEdition.ENTERPRISE && reversed) dc1.addPartition('ap1');
  return { stack, dc1, dc2, dc3 };
}

const entries = (stack: TerraformStack, validate = false) => resources(synthJson(stack, validate), 'consul_config_entry');

describe('SamenessGroup', () => {
  test('renders the sameness-group entry exactly, members in the order given', () => {
    const { stack, dc1 } = mesh();
    const group = new SamenessGroup(stack, 'Products', {
      partition: dc1.defaultPartition,
      defaultForFailover: true,
      includeLocal: true,
      members: [SamenessGroupMember.peer('dc3'), SamenessGroupMember.partition('ap1'), SamenessGroupMember.peer('dc2')],
    });
    expect(entries(stack, true)).toEqual([
      {
        kind: 'sameness-group',
        name: 'products',
        partition: 'default',
        config_json: JSON.stringify({
          DefaultForFailover: true,
          IncludeLocal: true,
          Members: [{ Peer: 'dc3' }, { Partition: 'ap1' }, { Peer: 'dc2' }],
        }),
        // the peerings and partitions it names exist first
        depends_on: [
          'consul_peering.Dc3Dc1_Peering_3B5D3F5B',
          'consul_admin_partition.Dc1_Partitions_ap1_A94B4877',
          'consul_peering.Dc2Dc1_Peering_0430E1F6',
        ],
        provider: 'consul.dc1',
      },
    ]);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(configEntry.ConfigEntry, { kind: 'sameness-group', name: 'products' });
    expect(group.node.defaultChild).toBe(group.resource);
    expect(SamenessGroup.find(dc1.defaultPartition, 'products')).toBe(group);
    expect(SamenessGroup.of(dc1.defaultPartition)).toEqual([group]);
    expect(group.hasMember(SamenessGroupMember.partition('default'))).toBe(true); // includeLocal
    expect(group.hasMember(SamenessGroupMember.peer('dc2'))).toBe(true);
    expect(group.hasMember(SamenessGroupMember.peer('dc4'))).toBe(false);
  });

  test('leaves false booleans out, as the Consul API returns the entry, and is named after the partition it lives in', () => {
    const { stack, dc1 } = mesh();
    const ap1 = dc1.partitions.find((p) => p.partitionName === 'ap1')!;
    new SamenessGroup(stack, 'Inventory', { partition: ap1, groupName: 'inventory-api', members: [SamenessGroupMember.partition('ap1'), SamenessGroupMember.partition('default')] });
    const [entry] = entries(stack, true);
    expect(entry).toEqual({
      kind: 'sameness-group',
      name: 'inventory-api',
      partition: '${consul_admin_partition.Dc1_Partitions_ap1_A94B4877.name}',
      config_json: '{"Members":[{"Partition":"ap1"},{"Partition":"default"}]}',
      provider: 'consul.dc1',
    });
  });

  describe('order-free', () => {
    const build = (reversed: boolean, membersLater: boolean) => {
      const m = mesh(reversed);
      const members = [SamenessGroupMember.partition('default'), SamenessGroupMember.peer('dc2'), SamenessGroupMember.peer('dc3')];
      const group = new SamenessGroup(m.stack, 'Products', { partition: m.dc1.defaultPartition, members: membersLater ? undefined : members });
      if (membersLater) members.forEach((mem) => group.addMember(mem));
      return Testing.synth(m.stack, true);
    };

    test('members added after construction render like props', () => {
      expect(build(false, true)).toEqual(build(false, false));
    });

    test('clusters, partitions and peerings declared in reverse order give identical JSON', () => {
      expect(build(true, true)).toEqual(build(false, false));
    });

    test('a peering declared after the group satisfies the validation', () => {
      const stack = emptyStack();
      const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', edition: ConsulEdition.ENTERPRISE, manageMeshDefaults: false });
      const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: '127.0.0.2:8500', edition: ConsulEdition.ENTERPRISE, manageMeshDefaults: false });
      new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, includeLocal: true, members: [SamenessGroupMember.peer('dc2')] });
      new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
      expect(entries(stack, true)[0].depends_on).toEqual(['consul_peering.Dc2Dc1_Peering_0430E1F6']);
    });
  });

  describe('validation', () => {
    const fails = (stack: TerraformStack, message: string | RegExp) => expect(() => Testing.synth(stack, true)).toThrow(message);

    test('fails at once on Community Edition, with the fix', () => {
      const { stack, dc1 } = mesh(false, ConsulEdition.COMMUNITY);
      let error: unknown;
      try {
        new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, members: [SamenessGroupMember.peer('dc2')] });
      } catch (e) {
        error = e;
      }
      expect(ValidationError.isValidationError(error)).toBe(true);
      expect((error as ValidationError).message).toBe(
        '[test/Products] SamenessGroup "products" needs Consul Enterprise on cluster "dc1" (sameness groups are an Enterprise feature); ' +
          'set edition: ConsulEdition.ENTERPRISE on the cluster if it runs Enterprise, or remove it',
      );
      expect((error as ValidationError).prop).toBe('SamenessGroup');
    });

    test('fails on a member peer that is not a peer of the group partition', () => {
      const { stack, dc1 } = mesh();
      new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, includeLocal: true, members: [SamenessGroupMember.peer('dc2'), SamenessGroupMember.peer('dc4')] });
      fails(
        stack,
        'SamenessGroupMember.peer(peerName) "dc4" is not a peer of partition "default" of cluster "dc1", which lists it in sameness group "products" (its peerings name "dc2", "dc3"); ' +
          'use the name this partition gives the other cluster (peering.peerNameIn(partition)), and declare the peering with ClusterPeering (an existing one with ClusterPeering.fromPeerName)',
      );
    });

    test('fails on a member peer of another partition of the cluster', () => {
      const { stack, dc1 } = mesh();
      const ap1 = dc1.partitions.find((p) => p.partitionName === 'ap1')!;
      new SamenessGroup(stack, 'Products', { partition: ap1, includeLocal: true, members: [SamenessGroupMember.peer('dc2')] });
      fails(stack, /SamenessGroupMember\.peer\(peerName\) "dc2" is not a peer of partition "ap1" of cluster "dc1".*\(its peerings name no peer\)/);
    });

    test('fails on a member partition that is not declared in the cluster', () => {
      const { stack, dc1 } = mesh();
      new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, includeLocal: true, members: [SamenessGroupMember.partition('ap9')] });
      fails(
        stack,
        /SamenessGroupMember\.partition\(partitionName\) "ap9" is not a partition of cluster "dc1" declared in the app \(sameness group "products"\); declare it with cluster\.addPartition\('ap9'\)/,
      );
    });

    test('fails on a duplicate member', () => {
      const { stack, dc1 } = mesh();
      const group = new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, includeLocal: true, members: [SamenessGroupMember.peer('dc2')] });
      group.addMember(SamenessGroupMember.peer('dc2'));
      fails(stack, 'members {"Peer":"dc2"} is listed twice in sameness group "products"; list each member once, in failover order');
    });

    test('fails on the own partition listed as a member when includeLocal already includes it', () => {
      const { stack, dc1 } = mesh();
      new SamenessGroup(stack, 'Products', {
        partition: dc1.defaultPartition,
        includeLocal: true,
        members: [SamenessGroupMember.partition('default'), SamenessGroupMember.peer('dc2')],
      });
      fails(
        stack,
        'members {"Partition":"default"} lists the group\'s own partition, which includeLocal already makes the first member of "products"; ' +
          'remove it from members, or set includeLocal: false and keep it as the first member',
      );
    });

    test('fails on a group without members', () => {
      const { stack, dc1 } = mesh();
      new SamenessGroup(stack, 'Products', { partition: dc1.defaultPartition, includeLocal: true });
      fails(stack, /members of sameness group "products" in partition "default" of cluster "dc1" is empty; add the partitions and peers that run the same services/);
    });

    test('fails on two groups of one name in a partition', () => {
      const { stack, dc1 } = mesh();
      new SamenessGroup(stack, 'A', { partition: dc1.defaultPartition, groupName: 'products', members: [SamenessGroupMember.peer('dc2')] });
      new SamenessGroup(stack, 'B', { partition: dc1.defaultPartition, groupName: 'products', members: [SamenessGroupMember.peer('dc3')] });
      fails(stack, /\[test\/B\] groupName "products" is declared twice in partition "default" of cluster "dc1" \(also test\/A\); Consul keeps one entry per name; add every member to one SamenessGroup/);
    });

    test('fails on two default-for-failover groups in a partition', () => {
      const { stack, dc1 } = mesh();
      new SamenessGroup(stack, 'A', { partition: dc1.defaultPartition, defaultForFailover: true, members: [SamenessGroupMember.peer('dc2')] });
      new SamenessGroup(stack, 'B', { partition: dc1.defaultPartition, defaultForFailover: true, members: [SamenessGroupMember.peer('dc3')] });
      fails(stack, /\[test\/B\] defaultForFailover true is also set on sameness group "a" in partition "default" of cluster "dc1"; a partition has one default group for failover/);
    });

    test('fails on a member shared by two groups of a partition', () => {
      const { stack, dc1 } = mesh();
      new SamenessGroup(stack, 'A', { partition: dc1.defaultPartition, members: [SamenessGroupMember.peer('dc2')] });
      new SamenessGroup(stack, 'B', { partition: dc1.defaultPartition, members: [SamenessGroupMember.peer('dc3'), SamenessGroupMember.peer('dc2')] });
      fails(stack, /\[test\/B\] members \{"Peer":"dc2"\} is also a member of sameness group "a" in partition "default" of cluster "dc1"; a partition or peer belongs to one sameness group; keep peer "dc2" in one of the two groups/);
    });
  });

  describe('SamenessGroupMember', () => {
    test('fails on a peer name Consul refuses', () => {
      expect(() => SamenessGroupMember.peer('Dc2')).toThrow(/peerName "Dc2" is not a peer name Consul accepts/);
    });

    test('fails on a bad partition name', () => {
      expect(() => SamenessGroupMember.partition('ap 1')).toThrow(/partitionName "ap 1" is not a valid DNS label/);
    });

    test('fails on a bad group name', () => {
      const { stack, dc1 } = mesh();
      expect(() => new SamenessGroup(stack, 'X', { partition: dc1.defaultPartition, groupName: 'products api' })).toThrow(/groupName "products api" is not a valid DNS label/);
    });
  });
});
