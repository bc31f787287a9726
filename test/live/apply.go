package main

// The test-only applier: creates what each node of the stack describes, in dependency order, with
// github.com/hashicorp/consul/api, the way the hashicorp/consul provider v2.22.1 would (its source is
// the reference for every mapping below). Docker containers have no engine here: a client-agent
// container's service definitions are registered with the server of its cluster using the token the
// container would hand its agent, and an Envoy container's `consul connect envoy` command is run with
// `-bootstrap` (no Envoy binary). Nodes of any other docker_* type need nothing.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
)

type applier struct {
	ctx      context.Context
	s        *stack
	r        *resolver
	servers  map[*cluster]*server
	consul   string // consul binary
	root     string // scratch directory
	apps     *appStandIns
	rep      *report
	pods     map[string]*pod // pod key (pause container address) -> pod
	podOf    map[string]*pod // container address -> pod
	entries  []*appliedEntry
	regCount int
	// registered keeps each definition with the server and token it was registered with.
	registered []registration
	// serviceTokens: "<provider ref>/<service name>" -> the token its definition was registered with.
	serviceTokens map[string]string
	// operator: operatorKey(stack, alias) -> the client of that stack's operator token (operator.go).
	operator map[string]*api.Client
}

type registration struct {
	srv   *server
	token string
	def   map[string]interface{}
}

// appliedEntry is a config entry the applier wrote, kept for the convergence check at the end.
type appliedEntry struct {
	Address string // for messages (after the stack name when several stacks are applied)
	Type    string // resource type: consul_config_entry or a typed consul_config_entry_*
	Cluster *cluster
	Kind    string
	Name    string
	Body    map[string]interface{} // resolved resource body
}

func (a *applier) apply() error {
	for _, n := range a.s.Order {
		if err := a.ctx.Err(); err != nil {
			return fmt.Errorf("stopped before %s: %v", n.Address, err)
		}
		var err error
		switch {
		case strings.HasPrefix(n.Type, "consul_"):
			err = a.applyConsul(n)
		case n.Type == "docker_container":
			err = a.applyContainer(n)
		case strings.HasPrefix(n.Type, "docker_"):
			// networks, images: nothing to emulate for the control plane
		case n.Type == registrationType:
			err = a.registerExternal(n)
		case n.Type == remoteStateType:
			err = a.applyRemoteState(n)
		default:
			if !strings.HasPrefix(n.Type, "terraform_") {
				err = fmt.Errorf("the live applier does not know %s", n.Type)
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %v", a.s.display(n.Address), err)
		}
	}
	return nil
}

func (a *applier) resolved(n *node) (map[string]interface{}, error) {
	v, err := a.r.value(n.Body)
	if err != nil {
		return nil, err
	}
	return v.(map[string]interface{}), nil
}

func writeOpts(b map[string]interface{}, c *cluster) *api.WriteOptions {
	p := str(b, "partition")
	if p == "" {
		p = c.Partition
	}
	return &api.WriteOptions{Partition: p, Namespace: str(b, "namespace")}
}

func queryOpts(b map[string]interface{}, c *cluster) *api.QueryOptions {
	w := writeOpts(b, c)
	return &api.QueryOptions{Partition: w.Partition, Namespace: w.Namespace}
}

func (a *applier) applyConsul(n *node) error {
	b, err := a.resolved(n)
	if err != nil {
		return err
	}
	srv := a.servers[n.Cluster]
	c := a.client(n.Cluster)
	switch n.Address[:strings.LastIndex(n.Address, ".")] {
	case "consul_acl_policy":
		p, _, err := c.ACL().PolicyCreate(&api.ACLPolicy{
			Name: str(b, "name"), Description: str(b, "description"), Rules: str(b, "rules"),
			Datacenters: strList(b, "datacenters"), Partition: writeOpts(b, n.Cluster).Partition,
			Namespace: str(b, "namespace"),
		}, writeOpts(b, n.Cluster))
		if err != nil {
			return err
		}
		n.Attrs["id"], n.Attrs["name"] = p.ID, p.Name
	case "consul_acl_token":
		t := &api.ACLToken{Description: str(b, "description"), Local: b["local"] == true,
			Partition: writeOpts(b, n.Cluster).Partition, Namespace: str(b, "namespace")}
		for _, p := range strList(b, "policies") {
			t.Policies = append(t.Policies, &api.ACLTokenPolicyLink{Name: p})
		}
		for _, r := range strList(b, "roles") {
			t.Roles = append(t.Roles, &api.ACLTokenRoleLink{Name: r})
		}
		for _, si := range list(b, "service_identities") {
			m := obj(si)
			t.ServiceIdentities = append(t.ServiceIdentities, &api.ACLServiceIdentity{ServiceName: str(m, "service_name"), Datacenters: strList(m, "datacenters")})
		}
		for _, ni := range list(b, "node_identities") {
			m := obj(ni)
			t.NodeIdentities = append(t.NodeIdentities, &api.ACLNodeIdentity{NodeName: str(m, "node_name"), Datacenter: str(m, "datacenter")})
		}
		for _, k := range sortedKeysOf(b) {
			switch k {
			case "description", "local", "partition", "namespace", "policies", "roles", "service_identities", "node_identities", "provider":
			default:
				return fmt.Errorf("the live applier does not map consul_acl_token.%s", k)
			}
		}
		out, _, err := c.ACL().TokenCreate(t, writeOpts(b, n.Cluster))
		if err != nil {
			return err
		}
		n.Attrs["id"], n.Attrs["accessor_id"] = out.AccessorID, out.AccessorID
	case "data.consul_acl_token_secret_id":
		t, _, err := c.ACL().TokenRead(str(b, "accessor_id"), queryOpts(b, n.Cluster))
		if err != nil {
			return err
		}
		n.Attrs["secret_id"] = t.SecretID
	case "consul_config_entry":
		if err := a.stripForServer(n, b); err != nil {
			return err
		}
		entry, err := makeConfigEntry(str(b, "kind"), str(b, "name"), str(b, "config_json"), str(b, "namespace"), writeOpts(b, n.Cluster).Partition)
		if err != nil {
			return err
		}
		if _, _, err := c.ConfigEntries().Set(entry, writeOpts(b, n.Cluster)); err != nil {
			return err
		}
		a.entries = append(a.entries, &appliedEntry{Address: a.s.display(n.Address), Type: n.Type, Cluster: n.Cluster, Kind: str(b, "kind"), Name: str(b, "name"), Body: b})
	case "consul_config_entry_service_defaults", "consul_config_entry_service_intentions", "consul_config_entry_service_resolver":
		impl := typedEntries[n.Type]
		entry, err := impl.decode(b)
		if err != nil {
			return err
		}
		if _, _, err := c.ConfigEntries().Set(entry, writeOpts(b, n.Cluster)); err != nil {
			return err
		}
		a.entries = append(a.entries, &appliedEntry{Address: a.s.display(n.Address), Type: n.Type, Cluster: n.Cluster, Kind: entry.GetKind(), Name: entry.GetName(), Body: b})
	case "consul_peering_token":
		req := api.PeeringGenerateTokenRequest{PeerName: str(b, "peer_name"), Partition: writeOpts(b, n.Cluster).Partition,
			ServerExternalAddresses: strList(b, "server_external_addresses")}
		if m := obj(b["meta"]); m != nil {
			req.Meta = map[string]string{}
			for k, v := range m {
				req.Meta[k], _ = v.(string)
			}
		}
		out, _, err := c.Peerings().GenerateToken(a.ctx, req, nil)
		if err != nil {
			return err
		}
		n.Attrs["id"], n.Attrs["peering_token"] = req.PeerName, out.PeeringToken
	case "consul_peering":
		req := api.PeeringEstablishRequest{PeerName: str(b, "peer_name"), PeeringToken: str(b, "peering_token"),
			Partition: writeOpts(b, n.Cluster).Partition}
		if m := obj(b["meta"]); m != nil {
			req.Meta = map[string]string{}
			for k, v := range m {
				req.Meta[k], _ = v.(string)
			}
		}
		if _, _, err := c.Peerings().Establish(a.ctx, req, nil); err != nil {
			return err
		}
		n.Attrs["id"] = req.PeerName
	case "data.consul_service_health":
		return a.waitHealthy(n, b, srv)
	default:
		return fmt.Errorf("the live applier does not know %s", n.Type)
	}
	return nil
}

// newerKeys lists, per config-entry kind, the config_json keys the library renders for the Consul
// versions it supports (>= 1.19) that a 1.14 server does not know and refuses ("invalid config key").
// They are removed only when applying to a 1.14 server, before the entry is written and before the
// convergence check, and every removal is printed as a note. Keep this list explicit and short.
var newerKeys = map[string][]string{
	// AccessLogs: proxy-defaults access logs, Consul 1.15+ (echoed as {} by 1.15 and later)
	"proxy-defaults": {"AccessLogs"},
}

func (a *applier) stripForServer(n *node, b map[string]interface{}) error {
	if !strings.HasPrefix(a.rep.Version, "1.14.") {
		return nil
	}
	keys := newerKeys[str(b, "kind")]
	if len(keys) == 0 {
		return nil
	}
	var doc map[string]interface{}
	if err := json.Unmarshal([]byte(str(b, "config_json")), &doc); err != nil {
		return err
	}
	for _, k := range keys {
		if _, ok := doc[k]; ok {
			delete(doc, k)
			a.rep.Notes = append(a.rep.Notes, fmt.Sprintf("stripped for Consul %s: %s config_json.%s (Consul 1.15+)", a.rep.Version, a.s.display(n.Address), k))
		}
	}
	out, _ := json.Marshal(doc)
	b["config_json"] = string(out)
	return nil
}

// waitHealthy does what the provider's consul_service_health data source does with passing + wait_for:
// retry until at least one instance is registered with all checks passing.
func (a *applier) waitHealthy(n *node, b map[string]interface{}, srv *server) error {
	wait := 60 * time.Second
	if w := str(b, "wait_for"); w != "" {
		if d, err := time.ParseDuration(w); err == nil {
			wait = d
		}
	}
	deadline := time.Now().Add(wait)
	name := str(b, "name")
	for {
		entries, _, err := a.client(n.Cluster).Health().Service(name, "", b["passing"] == true, queryOpts(b, n.Cluster))
		if err == nil && len(entries) > 0 {
			return nil
		}
		if time.Now().After(deadline) || a.ctx.Err() != nil {
			all, _, _ := srv.Client.Health().Service(name, "", false, queryOpts(b, n.Cluster))
			var states []string
			for _, e := range all {
				for _, ch := range e.Checks {
					states = append(states, ch.Name+"="+ch.Status+" ("+strings.TrimSpace(ch.Output)+")")
				}
			}
			return fmt.Errorf("no passing instance of %q in %s after %s (instances %d; checks: %s)", name, srv.C.Datacenter, wait, len(all), strings.Join(states, "; "))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// --- containers -------------------------------------------------------------------------------------

type upload struct {
	File, Content string
}

// pod is the set of containers sharing one network namespace (a pause container and those naming it in
// network_mode), as the Docker data plane builds them.
type pod struct {
	Key        string
	Cluster    *cluster
	AgentAddr  string
	EnvoyAddrs []string
	NodeName   string
	Services   []map[string]interface{} // unresolved service definitions (the `service` object)
	Gateway    bool
	Addresses  []string // every address the pod's definitions name (gateway LAN and WAN)
}

func containerUploads(b map[string]interface{}) []upload {
	var out []upload
	for _, u := range list(b, "upload") {
		m := obj(u)
		out = append(out, upload{File: str(m, "file"), Content: str(m, "content")})
	}
	return out
}

func podKey(address string, b map[string]interface{}) string {
	nm := str(b, "network_mode")
	if strings.HasPrefix(nm, "container:") {
		if addrs := referencedAddresses(strings.TrimSuffix(strings.TrimPrefix(nm, "container:${"), "}")); len(addrs) == 1 {
			return addrs[0]
		}
	}
	return address
}

func isEnvoy(cmd []string) bool { return len(cmd) >= 2 && cmd[0] == "connect" && cmd[1] == "envoy" }
func isAgent(cmd []string) bool { return len(cmd) >= 1 && cmd[0] == "agent" }

// discoverPods reads every docker_container before anything is applied (definitions still carry
// unresolved references; their addresses and names are literal).
func discoverPods(s *stack) (map[string]*pod, map[string]*pod, []string, error) {
	pods, podOf := map[string]*pod{}, map[string]*pod{}
	var notes []string
	byDC := map[string][]*cluster{}
	for _, c := range s.Clusters {
		byDC[c.Datacenter] = append(byDC[c.Datacenter], c)
	}
	get := func(k string) *pod {
		if pods[k] == nil {
			pods[k] = &pod{Key: k}
		}
		return pods[k]
	}
	for _, n := range s.Order {
		if n.Type != "docker_container" {
			continue
		}
		cmd := strList(n.Body, "command")
		switch {
		case isAgent(cmd):
			var isServer bool
			p := get(podKey(n.Address, n.Body))
			for _, u := range containerUploads(n.Body) {
				var doc map[string]interface{}
				if json.Unmarshal([]byte(u.Content), &doc) != nil {
					continue
				}
				if doc["server"] == true {
					isServer = true
					break
				}
				if dc := str(doc, "datacenter"); dc != "" {
					if len(byDC[dc]) != 1 {
						return nil, nil, nil, fmt.Errorf("%s: agent of datacenter %q matches %d consul providers", n.Address, dc, len(byDC[dc]))
					}
					p.Cluster, p.NodeName = byDC[dc][0], str(doc, "node_name")
				}
				if svc := obj(doc["service"]); svc != nil {
					p.Services = append(p.Services, svc)
					if str(svc, "kind") == "mesh-gateway" {
						p.Gateway = true
						p.Addresses = append(p.Addresses, gatewayAddresses(svc)...)
					}
				}
			}
			if isServer {
				delete(pods, podKey(n.Address, n.Body))
				notes = append(notes, n.Address+" is a lab server: replaced by the live tier's own server")
				continue
			}
			p.AgentAddr = n.Address
			podOf[n.Address] = p
		case isEnvoy(cmd):
			p := get(podKey(n.Address, n.Body))
			p.EnvoyAddrs = append(p.EnvoyAddrs, n.Address)
			podOf[n.Address] = p
			if cmdFlag(cmd, "-gateway") != "" {
				p.Gateway = true
				for _, f := range []string{"-address", "-wan-address"} {
					if v := cmdFlag(cmd, f); v != "" {
						p.Addresses = append(p.Addresses, v)
					}
				}
			}
		}
	}
	for k, p := range pods {
		if p.AgentAddr == "" && len(p.EnvoyAddrs) == 0 {
			delete(pods, k)
			continue
		}
		if p.Cluster == nil {
			return nil, nil, nil, fmt.Errorf("pod %s has no client agent naming its datacenter", k)
		}
	}
	return pods, podOf, notes, nil
}

func gatewayAddresses(svc map[string]interface{}) []string {
	var out []string
	if a := str(svc, "address"); a != "" {
		if p, ok := svc["port"].(float64); ok {
			out = append(out, a+":"+strconv.Itoa(int(p)))
		}
	}
	for _, t := range []string{"lan", "wan"} {
		m := obj(obj(svc["tagged_addresses"])[t])
		if str(m, "address") != "" {
			if p, ok := m["port"].(float64); ok {
				out = append(out, str(m, "address")+":"+strconv.Itoa(int(p)))
			}
		}
	}
	return out
}

// flag returns the value after a command-line flag (`-x v` or `-x=v`).
func cmdFlag(cmd []string, name string) string {
	for i, a := range cmd {
		if a == name && i+1 < len(cmd) {
			return cmd[i+1]
		}
		if strings.HasPrefix(a, name+"=") {
			return strings.TrimPrefix(a, name+"=")
		}
	}
	return ""
}

func (a *applier) applyContainer(n *node) error {
	p := a.podOf[n.Address]
	if p == nil {
		return nil // pause, app and image-only containers
	}
	b, err := a.resolved(n)
	if err != nil {
		return err
	}
	srv := a.servers[p.Cluster]
	if n.Address == p.AgentAddr {
		return a.registerPod(n, b, p, srv)
	}
	return a.bootstrapEnvoy(n, b, p, srv)
}

// registerPod registers each service definition the agent container would load from its config dir,
// with the token the container hands its agent for config-file services (acl.tokens.config_file_service_registration).
func (a *applier) registerPod(n *node, b map[string]interface{}, p *pod, srv *server) error {
	var token string
	var defs []map[string]interface{}
	for _, u := range containerUploads(b) {
		var doc map[string]interface{}
		if json.Unmarshal([]byte(u.Content), &doc) != nil {
			return fmt.Errorf("upload %s is not JSON", u.File)
		}
		if t := str(obj(obj(doc["acl"])["tokens"]), "config_file_service_registration"); t != "" {
			token = t
		}
		if svc := obj(doc["service"]); svc != nil {
			defs = append(defs, svc)
		}
	}
	if len(defs) == 0 {
		return nil
	}
	if token == "" {
		return fmt.Errorf("the agent has service definitions but no config_file_service_registration token")
	}
	for _, def := range defs {
		for _, ch := range list(def, "checks") {
			if u := str(obj(ch), "http"); u != "" {
				if err := a.apps.ensure(hostPortOfURL(u)); err != nil {
					return err
				}
			}
		}
		if err := registerDefinition(srv, token, def); err != nil {
			return fmt.Errorf("registering %q with its own token: %v", str(def, "name"), err)
		}
		a.regCount++
		a.registered = append(a.registered, registration{srv, token, def})
		a.serviceTokens[p.Cluster.ref()+"/"+str(def, "name")] = token
	}
	return nil
}

// registerDefinition sends a config-file service definition to /v1/agent/service/register. The endpoint
// decodes strictly (lib.DecodeJSON disallows unknown fields) and its types accept the snake_case spellings
// we write through their own UnmarshalJSON aliases (tagged_addresses, sidecar_service, destination_name,
// local_bind_port, ...), so a key it did not understand fails the registration instead of vanishing; the
// read-back comparison (checkRegistrations) then covers what the data plane relies on. The pod runner
// (-pods) loads the same files through a real agent's config-file path instead.
func registerDefinition(srv *server, token string, def map[string]interface{}) error {
	body, _ := json.Marshal(def)
	_, err := httpDo("PUT", srv.HTTP, "/v1/agent/service/register", token, body)
	return err
}

// bootstrapEnvoy runs the Envoy container's command with the real consul binary and -bootstrap: the
// token file is written where the command reads it (under the scratch root), and -http-addr/-grpc-addr,
// which name the pod's client agent, point at the cluster's server instead.
func (a *applier) bootstrapEnvoy(n *node, b map[string]interface{}, p *pod, srv *server) error {
	cmd := strList(b, "command")
	dir := filepath.Join(a.root, "pods", strings.NewReplacer("/", "_", ".", "_").Replace(n.Address))
	files := map[string]string{}
	for _, u := range containerUploads(b) {
		local := filepath.Join(dir, "root", filepath.Clean(u.File))
		if err := os.MkdirAll(filepath.Dir(local), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(local, []byte(u.Content), 0o600); err != nil {
			return err
		}
		files[u.File] = local
	}
	args := make([]string, 0, len(cmd)+1)
	for i := 0; i < len(cmd); i++ {
		arg := cmd[i]
		switch arg {
		case "-token-file":
			if i+1 < len(cmd) {
				local, ok := files[cmd[i+1]]
				if !ok {
					return fmt.Errorf("-token-file %s is not uploaded into the container", cmd[i+1])
				}
				args = append(args, arg, local)
				i++
				continue
			}
		case "-token":
			return fmt.Errorf("the Envoy command carries a token on its command line")
		case "-http-addr":
			args = append(args, arg, "http://"+srv.HTTP)
			i++
			continue
		case "-grpc-addr":
			args = append(args, arg, "http://"+srv.GRPC)
			i++
			continue
		}
		args = append(args, arg)
	}
	if err := a.runBootstrap(args, dir); err != nil {
		return err
	}
	if contains(cmd, "-register") {
		a.regCount++
	}
	return nil
}

// runBootstrap runs `consul <args> -bootstrap` (HOME in dir) and checks that it printed an Envoy bootstrap.
func (a *applier) runBootstrap(args []string, dir string) error {
	args = append(append([]string(nil), args...), "-bootstrap")
	ctx, cancel := context.WithTimeout(a.ctx, 30*time.Second)
	defer cancel()
	run := exec.CommandContext(ctx, a.consul, args...)
	run.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	var out, errb strings.Builder
	run.Stdout, run.Stderr = &out, &errb
	if err := run.Run(); err != nil {
		return fmt.Errorf("consul %s: %v: %s", strings.Join(redactArgs(args), " "), err, strings.TrimSpace(errb.String()))
	}
	var boot map[string]interface{}
	if err := json.Unmarshal([]byte(out.String()), &boot); err != nil {
		return fmt.Errorf("bootstrap is not JSON: %v", err)
	}
	for _, k := range []string{"admin", "node", "static_resources", "dynamic_resources"} {
		if _, ok := boot[k]; !ok {
			return fmt.Errorf("bootstrap has no %q", k)
		}
	}
	a.rep.Bootstraps++
	return nil
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

func redactArgs(args []string) []string {
	out := append([]string(nil), args...)
	for i := range out {
		if i > 0 && out[i-1] == "-token" {
			out[i] = "(redacted)"
		}
	}
	return out
}

func sortedKeysOf(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
