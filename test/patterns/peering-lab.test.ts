import { Testing } from 'cdktf';
import { PeeringLabServers } from '../../lib';
import { emptyStack, synthJson } from '../fixtures/stack';
import { validationErrorOf } from '../fixtures/errors';

const CLUSTERS = [
  { datacenter: 'dc2', lanSubnet: '10.12.0.0/24', httpHostPort: 9500 },
  { datacenter: 'dc1', lanSubnet: '10.11.0.0/24', httpHostPort: 8500 },
];

describe('PeeringLabServers', () => {
  test('creates the WAN, a LAN and a server per cluster', () => {
    const stack = emptyStack();
    const lab = new PeeringLabServers(stack, 'Lab', { clusters: CLUSTERS, wanSubnet: '10.10.0.0/24', managementToken: 'x' });
    const json = synthJson(stack);
    const networks = Object.values(json.resource.docker_network).map((n: any) => n.name).sort();
    expect(networks).toEqual(['consul-wan', 'dc1-lan', 'dc2-lan']);
    expect(Object.keys(lab.servers).sort()).toEqual(['dc1', 'dc2']);
    expect(lab.servers.dc2.address).toBe('10.12.0.2');
    expect(Testing.renderConstructTree(lab)).toMatchInlineSnapshot(`
"Lab (PeeringLabServers)
├── Host (DockerHost)
    ├── Provider (HostProvider)
    └── Image-hashicorp_consul_1_22_5 (Image)
├── Wan (DockerNetwork)
    └── Resource (Network)
├── dc1 (Construct)
    ├── Lan (DockerNetwork)
        └── Resource (Network)
    └── Server (ConsulServerContainer)
        └── Resource (Container)
└── dc2 (Construct)
    ├── Lan (DockerNetwork)
        └── Resource (Network)
    └── Server (ConsulServerContainer)
        └── Resource (Container)
"
`);
  });

  test('networksFor imports the same networks by name from another stack', () => {
    const stack = emptyStack();
    const { DockerHost } = require('../../lib');
    const host = new DockerHost(stack, 'Docker');
    const nets = PeeringLabServers.networksFor(stack, host, { clusters: CLUSTERS, wanSubnet: '10.10.0.0/24' });
    expect(nets.wan.attachmentName).toBe('consul-wan');
    expect(nets.lans.dc1.attachmentName).toBe('dc1-lan');
    expect(nets.lans.dc2.subnet).toBe('10.12.0.0/24');
  });

  test('throws a ValidationError carrying the lab path, the prop, the datacenter and the fix', () => {
    const v = validationErrorOf(() => new PeeringLabServers(emptyStack(), 'Lab', { clusters: [CLUSTERS[0], CLUSTERS[0]], wanSubnet: '10.10.0.0/24', managementToken: 'x' }));
    expect(v).toMatchObject({ constructPath: 'test/Lab', prop: 'datacenter', value: CLUSTERS[0].datacenter, fix: 'give each cluster its own name' });
  });

  test('takes datacenters by Consul\'s rule, as ConsulCluster does: "_" passes, upper case fails', () => {
    const stack = emptyStack();
    const lab = new PeeringLabServers(stack, 'Lab', { clusters: [{ ...CLUSTERS[0], datacenter: 'dc_2' }, CLUSTERS[1]], wanSubnet: '10.10.0.0/24', managementToken: 'x' });
    expect(Object.keys(lab.servers).sort()).toEqual(['dc1', 'dc_2']);
    const v = validationErrorOf(() => new PeeringLabServers(emptyStack(), 'Lab', { clusters: [{ ...CLUSTERS[0], datacenter: 'DC2' }, CLUSTERS[1]], wanSubnet: '10.10.0.0/24', managementToken: 'x' }));
    expect(v).toMatchObject({ constructPath: 'test/Lab', prop: 'datacenter', value: 'DC2' });
    expect(v.fix).toContain('(e.g. "dc2")');
  });

  test('fails with fewer than two clusters or a repeated datacenter', () => {
    expect(() => new PeeringLabServers(emptyStack(), 'Lab', { clusters: [CLUSTERS[0]], wanSubnet: '10.10.0.0/24', managementToken: 'x' })).toThrow(
      '[test/Lab] clusters has 1 entry, but a peering lab needs at least two; give at least two clusters',
    );
    expect(() => new PeeringLabServers(emptyStack(), 'Lab', { clusters: [CLUSTERS[0], CLUSTERS[0]], wanSubnet: '10.10.0.0/24', managementToken: 'x' })).toThrow(
      '[test/Lab] datacenter "dc2" appears twice in clusters; give each cluster its own name',
    );
  });
});
