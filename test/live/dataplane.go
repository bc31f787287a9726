package main

// The data plane of an app that leaves it to its operator (a control-plane-only stack: no docker_container
// registers its services). The Jest side hands over, per stack, every service definition the constructs
// expose (MeshGateway/MeshService `serviceDefinition`, in agent config-file form) with the expression of the
// token the construct issues for it (`tokenSecretId`, e.g. `${data.consul_acl_token_secret_id.X.secret_id}`):
//
//	-services FILE   {"services": [{"stack": "<name>", "construct": "<path>", "token": "${...}", "definition": {"service": {...}}}]}
//
// Each becomes a node of its stack's graph, applied as soon as its token's secret is read: the definition
// is registered with the cluster's server using that token (as an agent would with
// acl.tokens.config_file_service_registration), and `consul connect envoy -bootstrap` runs for its sidecar
// or gateway with the same token. The operator runs the gateways before the peerings (pitfall 5 of the
// reference: with PeerThroughMeshGateways, a peering token is refused while no mesh gateway is registered),
// so each consul_peering_token and consul_peering of a cluster also waits for that cluster's gateway
// registrations. A definition a docker_container of the stack registers already is not registered twice;
// definitions of stacks not applied in this run (an app's stacks applied in separate runs share one file)
// are ignored.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

const registrationType = "live_registration"

type externalService struct {
	Stack      string                 `json:"stack"`
	Construct  string                 `json:"construct"`
	Token      string                 `json:"token"`
	Definition map[string]interface{} `json:"definition"`
}

func loadServicesFile(file string) ([]externalService, error) {
	if file == "" {
		return nil, nil
	}
	var doc struct {
		Services []externalService `json:"services"`
	}
	if err := decodeJSONFile(file, &doc); err != nil {
		return nil, err
	}
	return doc.Services, nil
}

// decodeJSONFile decodes a file the jest side wrote into v, refusing fields v does not have.
func decodeJSONFile(file string, v interface{}) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	return nil
}

var unsafeAddrChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// addRegistrations adds the stack's external service definitions as nodes, and gateway pods for the
// stand-ins. It returns notes (definitions left to the stack's own containers).
func addRegistrations(s *stack, defs []externalService, pods map[string]*pod) ([]string, error) {
	var notes []string
	byPods := map[string]bool{} // "<datacenter>/<service id>" registered by a container of the stack
	for _, p := range pods {
		for _, svc := range p.Services {
			byPods[p.Cluster.Datacenter+"/"+serviceID(svc)] = true
		}
	}
	gateways := map[*cluster][]string{}
	added, byContainers := 0, 0
	for _, d := range defs {
		if d.Stack != s.Name {
			continue
		}
		svc := obj(d.Definition["service"])
		if svc == nil {
			return nil, fmt.Errorf("-services: %s: the definition has no \"service\" object", d.Construct)
		}
		refs := map[string]bool{}
		collectRefs(d.Token, refs)
		if len(refs) != 1 || !strings.HasPrefix(strings.TrimSpace(d.Token), "${") {
			return nil, fmt.Errorf("-services: %s: token %q is not one reference to a resource of stack %s", d.Construct, d.Token, s.Name)
		}
		var tokenAddr string
		for a := range refs {
			tokenAddr = a
		}
		tn := s.Nodes[tokenAddr]
		if tn == nil || tn.Cluster == nil {
			return nil, fmt.Errorf("-services: %s: its token %s is not a consul resource of stack %s", d.Construct, d.Token, s.Name)
		}
		c := tn.Cluster
		if byPods[c.Datacenter+"/"+serviceID(svc)] {
			byContainers++
			continue
		}
		addr := registrationType + "." + unsafeAddrChars.ReplaceAllString(d.Construct, "_")
		if s.Nodes[addr] != nil {
			return nil, fmt.Errorf("-services: %s given twice", d.Construct)
		}
		s.Nodes[addr] = &node{Address: addr, Type: registrationType, Body: map[string]interface{}{"token": d.Token, "service": svc},
			Deps: []string{tokenAddr}, Cluster: c, Attrs: map[string]string{}}
		added++
		if str(svc, "kind") == "mesh-gateway" {
			gateways[c] = append(gateways[c], addr)
			pods[addr] = &pod{Key: addr, Cluster: c, NodeName: serviceID(svc), Services: []map[string]interface{}{svc},
				Gateway: true, Addresses: gatewayAddresses(svc)}
		}
	}
	if byContainers > 0 {
		notes = append(notes, fmt.Sprintf("stack %s: %d service definitions registered by its containers (not by the operator's data plane)", s.Name, byContainers))
	}
	if added == 0 {
		return notes, nil
	}
	for _, n := range s.Nodes {
		if (n.Type == "consul_peering_token" || n.Type == "consul_peering") && len(gateways[n.Cluster]) > 0 {
			deps := map[string]bool{}
			for _, d := range append(n.Deps, gateways[n.Cluster]...) {
				deps[d] = true
			}
			n.Deps = sortedKeysOf(toSet(deps))
		}
	}
	ng := 0
	for _, g := range gateways {
		ng += len(g)
	}
	notes = append(notes, fmt.Sprintf("stack %s: the operator's data plane: %d service definitions registered with their constructs' own tokens (%d gateways, before their cluster's peerings)", s.Name, added, ng))
	return notes, s.sort()
}

// registerExternal registers one external definition with its token and renders its Envoy bootstrap.
func (a *applier) registerExternal(n *node) error {
	b, err := a.resolved(n)
	if err != nil {
		return err
	}
	token, svc := str(b, "token"), obj(b["service"])
	srv := a.servers[n.Cluster]
	for _, ch := range list(svc, "checks") {
		if u := str(obj(ch), "http"); u != "" {
			if err := a.apps.ensure(hostPortOfURL(u)); err != nil {
				return err
			}
		}
	}
	if err := registerDefinition(srv, token, svc); err != nil {
		return fmt.Errorf("registering %q with its own token: %v", str(svc, "name"), err)
	}
	a.regCount++
	a.registered = append(a.registered, registration{srv, token, svc})
	a.serviceTokens[n.Cluster.ref()+"/"+str(svc, "name")] = token

	var args []string
	switch {
	case str(svc, "kind") == "mesh-gateway":
		args = []string{"connect", "envoy", "-gateway", "mesh", "-proxy-id", serviceID(svc)}
	case obj(obj(svc["connect"])["sidecar_service"]) != nil:
		args = []string{"connect", "envoy", "-sidecar-for", serviceID(svc)}
	default:
		return nil
	}
	dir := filepath.Join(a.root, "dataplane", unsafeAddrChars.ReplaceAllString(n.Address, "_"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		return err
	}
	args = append(args, "-token-file", tokenFile, "-http-addr", "http://"+srv.HTTP, "-grpc-addr", "http://"+srv.GRPC)
	return a.runBootstrap(args, dir)
}

// sortedPodKeys lists the keys of pods, sorted.
func sortedPodKeys(pods map[string]*pod) []string {
	keys := make([]string, 0, len(pods))
	for k := range pods {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
