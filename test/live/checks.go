package main

// What the live tier asserts once the stack is applied: peerings ACTIVE on both sides (and through the
// gateways when the mesh entry asks for it), exported services imported by their consumers, declared
// calls allowed and an undeclared one denied, registrations as defined, config entries converged.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
)

type report struct {
	Version                  string
	Clusters                 int
	PeeringsActive, Peerings int
	ImportsOK, Imports       int
	AllowedOK, Allowed       int
	DeniedOK, Denied         int
	Registrations            int
	Bootstraps               int
	ConvergedOK, Converged   int
	Problems                 []string
	Notes                    []string
}

func (r *report) problem(format string, args ...interface{}) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *report) ok() bool {
	return len(r.Problems) == 0 && r.PeeringsActive == r.Peerings && r.ImportsOK == r.Imports &&
		r.AllowedOK == r.Allowed && r.DeniedOK == r.Denied && r.ConvergedOK == r.Converged
}

func (r *report) line() string {
	return fmt.Sprintf("consul live: %s, %d clusters, peerings ACTIVE %d/%d, imports %d/%d, calls allowed %d/%d and denied %d/%d, registrations %d with own tokens, bootstraps %d, config entries converged %d/%d",
		r.Version, r.Clusters, r.PeeringsActive, r.Peerings, r.ImportsOK, r.Imports, r.AllowedOK, r.Allowed,
		r.DeniedOK, r.Denied, r.Registrations, r.Bootstraps, r.ConvergedOK, r.Converged)
}

// printDetails prints the notes (with how each gateway stand-in routed, by name) and the problems, one line each.
func (r *report) printDetails(gateways []*gatewayStandIn) {
	sorted := append([]*gatewayStandIn(nil), gateways...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, g := range sorted {
		r.Notes = append(r.Notes, fmt.Sprintf("gateway stand-in %s routed: %s", g.Name, sortedCounts(g.Routed())))
	}
	for _, n := range r.Notes {
		fmt.Println("live: note:", n)
	}
	for _, p := range r.Problems {
		fmt.Println("live: problem:", p)
	}
}

// peerLink is one side of a peering: in cluster From, the local name Name refers to cluster To.
type peerLink struct {
	From *cluster
	Name string
	To   *cluster
}

// peerLinks pairs every consul_peering (dialer) with the consul_peering_token (acceptor) it reads.
func peerLinks(s *stack) ([]peerLink, error) {
	var out []peerLink
	for _, n := range s.Order {
		if n.Type != "consul_peering" {
			continue
		}
		var tok *node
		for _, d := range n.Deps {
			if s.Nodes[d].Type == "consul_peering_token" && strings.Contains(str(n.Body, "peering_token"), d+".") {
				tok = s.Nodes[d]
			}
		}
		if tok == nil {
			return nil, fmt.Errorf("%s reads its token from no consul_peering_token of this stack", n.Address)
		}
		out = append(out,
			peerLink{From: n.Cluster, Name: str(n.Body, "peer_name"), To: tok.Cluster},
			peerLink{From: tok.Cluster, Name: str(tok.Body, "peer_name"), To: n.Cluster})
	}
	return out, nil
}

func findLink(links []peerLink, from *cluster, name string) *peerLink {
	for i := range links {
		if links[i].From == from && links[i].Name == name {
			return &links[i]
		}
	}
	return nil
}

func reverseName(links []peerLink, l *peerLink) string {
	for _, o := range links {
		if o.From == l.To && o.To == l.From {
			return o.Name
		}
	}
	return ""
}

// checkPeerings waits until every peering is ACTIVE on both sides.
func (a *applier) checkPeerings(links []peerLink, within time.Duration) {
	pairs := len(links) / 2
	a.rep.Peerings = pairs
	deadline := time.Now().Add(within)
	for {
		active := 0
		var pending []string
		for i := 0; i < len(links); i += 2 {
			d, c := links[i], links[i+1]
			sd := a.peeringState(d)
			sc := a.peeringState(c)
			if sd == "ACTIVE" && sc == "ACTIVE" {
				active++
			} else {
				pending = append(pending, fmt.Sprintf("%s calls %s %q: %s, %s calls %s %q: %s", d.From.Datacenter, d.To.Datacenter, d.Name, sd, c.From.Datacenter, c.To.Datacenter, c.Name, sc))
			}
		}
		if active == pairs || time.Now().After(deadline) || a.ctx.Err() != nil {
			a.rep.PeeringsActive = active
			for _, p := range pending {
				a.rep.problem("peering not ACTIVE after %s: %s", within, p)
			}
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func (a *applier) peeringState(l peerLink) string {
	p, _, err := a.servers[l.From].Client.Peerings().Read(a.ctx, l.Name, nil)
	if err != nil {
		return "error: " + err.Error()
	}
	if p == nil {
		return "missing"
	}
	return string(p.State)
}

// checkImports: every peer consumer of an exported-services entry sees the service (`?peer=`), with
// its instances when the exporter has any registered.
func (a *applier) checkImports(links []peerLink, within time.Duration) {
	type imp struct {
		exporter *cluster
		service  string
		link     *peerLink
	}
	var want []imp
	for _, e := range a.entries {
		if e.Kind != api.ExportedServices {
			continue
		}
		var doc struct {
			Services []struct {
				Name      string
				Namespace string
				Consumers []struct{ Peer, Partition, SamenessGroup string }
			}
		}
		if err := json.Unmarshal([]byte(str(e.Body, "config_json")), &doc); err != nil {
			a.rep.problem("%s: config_json: %v", e.Address, err)
			continue
		}
		for _, s := range doc.Services {
			for _, c := range s.Consumers {
				if c.Peer == "" {
					a.rep.Notes = append(a.rep.Notes, fmt.Sprintf("%s exports %s to a %s: not checked (Enterprise)", e.Address, s.Name, map[bool]string{true: "partition", false: "sameness group"}[c.Partition != ""]))
					continue
				}
				l := findLink(links, e.Cluster, c.Peer)
				if l == nil {
					a.rep.Imports++
					a.rep.problem("%s exports %s to peer %q, which no peering of this stack names in %s", e.Address, s.Name, c.Peer, e.Cluster.Datacenter)
					continue
				}
				want = append(want, imp{e.Cluster, s.Name, l})
			}
		}
	}
	a.rep.Imports += len(want)
	for _, w := range want {
		importer := a.servers[w.link.To]
		nameThere := reverseName(links, w.link)
		registered, _, _ := a.servers[w.exporter].Client.Catalog().Service(w.service, "", nil)
		deadline := time.Now().Add(within)
		for {
			var seen string
			if len(registered) > 0 {
				entries, _, err := importer.Client.Health().Service(w.service, "", false, &api.QueryOptions{Peer: nameThere})
				if err == nil && len(entries) > 0 {
					a.rep.ImportsOK++
					break
				}
				seen = fmt.Sprintf("%d instances (%v)", len(entries), err)
			} else {
				svcs, _, err := importer.Client.Catalog().Services(&api.QueryOptions{Peer: nameThere})
				if _, ok := svcs[w.service]; err == nil && ok {
					a.rep.ImportsOK++
					break
				}
				seen = fmt.Sprintf("services %v (%v)", svcs, err)
			}
			if time.Now().After(deadline) || a.ctx.Err() != nil {
				a.rep.problem("%s does not see %s from peer %q after %s: %s", w.link.To.Datacenter, w.service, nameThere, within, seen)
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}

// checkCalls takes the declared calls from the registered sidecars' upstreams (what the callers will dial),
// independently of the intentions rendered for them, and asks the destination's server through
// /v1/agent/connect/authorize whether a connection from the caller's SPIFFE ID (in its own cluster's trust
// domain) is allowed; then that an undeclared caller is denied. Consul 1.14's authorize matches intention
// sources by name, namespace and partition only (agent/connect/authz.go AuthorizeIntentionTarget) and does
// not read the source peer, so for calls across a peering the intention the server stores is also checked
// to name the caller's cluster by the destination's local name for it (/v1/connect/intentions/match).
func (a *applier) checkCalls(links []peerLink) {
	type call struct {
		from        *cluster
		caller      string
		to          *cluster
		dest        string
		peerThere   string // the destination cluster's local name for the caller's cluster ("" when local)
		description string
	}
	var calls []call
	for _, r := range a.registered {
		sc := obj(obj(r.def["connect"])["sidecar_service"])
		for _, u := range list(obj(sc["proxy"]), "upstreams") {
			m := obj(u)
			c := call{from: r.srv.C, caller: str(r.def, "name"), to: r.srv.C, dest: str(m, "destination_name")}
			if p := str(m, "destination_peer"); p != "" {
				l := findLink(links, r.srv.C, p)
				if l == nil {
					a.rep.Allowed++
					a.rep.problem("%s in %s has an upstream to peer %q, which no peering of this stack names", c.caller, r.srv.C.Datacenter, p)
					continue
				}
				c.to, c.peerThere = l.To, reverseName(links, l)
			}
			c.description = fmt.Sprintf("%s in %s calling %s in %s", c.caller, c.from.Datacenter, c.dest, c.to.Datacenter)
			calls = append(calls, c)
		}
	}
	deniedDone := map[string]bool{}
	for _, c := range calls {
		a.rep.Allowed++
		srv := a.servers[c.to]
		token := a.serviceTokens[c.to.ref()+"/"+c.dest]
		if token == "" {
			token = srv.MgmtTok
		}
		ok, reason, err := authorize(srv, token, c.dest, a.spiffe(c.from, c.caller, ""))
		switch {
		case err != nil || !ok:
			a.rep.problem("%s: not allowed (%s %v)", c.description, reason, err)
		case c.peerThere != "" && !a.intentionStoredWithPeer(srv, c.dest, c.caller, c.peerThere):
			a.rep.problem("%s: allowed, but the server's intention for %s has no source peer %q", c.description, c.caller, c.peerThere)
		default:
			a.rep.AllowedOK++
		}
		key := c.to.ref() + "/" + c.dest
		if deniedDone[key] {
			continue
		}
		deniedDone[key] = true
		a.rep.Denied++
		ok, reason, err = authorize(srv, token, c.dest, a.spiffe(c.from, "undeclared-caller", ""))
		if err != nil || ok {
			a.rep.problem("undeclared-caller in %s calling %s in %s: allowed (%s %v)", c.from.Datacenter, c.dest, c.to.Datacenter, reason, err)
			continue
		}
		a.rep.DeniedOK++
	}
}

func (a *applier) spiffe(c *cluster, service, namespace string) string {
	if namespace == "" {
		namespace = "default"
	}
	return fmt.Sprintf("spiffe://%s/ns/%s/dc/%s/svc/%s", a.servers[c].TrustDom, namespace, c.Datacenter, service)
}

func authorize(srv *server, token, target, uri string) (bool, string, error) {
	body, _ := json.Marshal(map[string]string{"Target": target, "ClientCertURI": uri, "ClientCertSerial": "01"})
	out, err := httpDo("POST", srv.HTTP, "/v1/agent/connect/authorize", token, body)
	if err != nil {
		return false, "", err
	}
	var res struct {
		Authorized bool
		Reason     string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return false, "", err
	}
	return res.Authorized, res.Reason, nil
}

func (a *applier) intentionStoredWithPeer(srv *server, dest, source, peer string) bool {
	out, err := httpDo("GET", srv.HTTP, "/v1/connect/intentions/match?by=destination&name="+dest, srv.MgmtTok, nil)
	if err != nil {
		return false
	}
	var res map[string][]struct {
		SourceName, SourcePeer string
	}
	if json.Unmarshal(out, &res) != nil {
		return false
	}
	for _, ixn := range res[dest] {
		if ixn.SourceName == source && ixn.SourcePeer == peer {
			return true
		}
	}
	return false
}

// checkConvergence reads every config entry back and applies the provider's diff rule.
func (a *applier) checkConvergence() {
	for _, e := range a.entries {
		a.rep.Converged++
		srv := a.servers[e.Cluster]
		got, _, err := srv.Client.ConfigEntries().Get(e.Kind, e.Name, queryOpts(e.Body, e.Cluster))
		if err != nil {
			a.rep.problem("%s: reading %s/%s back: %v", e.Address, e.Kind, e.Name, err)
			continue
		}
		typ := e.Address[:strings.Index(e.Address, ".")]
		if typ == "consul_config_entry" {
			ok, diff, err := convergedConfigJSON(e.Kind, e.Name, str(e.Body, "namespace"), writeOpts(e.Body, e.Cluster).Partition, str(e.Body, "config_json"), got)
			if err != nil || !ok {
				a.rep.problem("%s does not converge (provider rule: api.DecodeConfigEntry + reflect.DeepEqual): %s %v", e.Address, diff, err)
				continue
			}
		} else if diffs := convergedTyped(typ, e.Body, got); len(diffs) > 0 {
			a.rep.problem("%s does not converge: %s", e.Address, strings.Join(diffs, "; "))
			continue
		}
		a.rep.ConvergedOK++
	}
}

// checkRegistrations reads each registered definition back from the agent with its own token and compares
// it with its definition (compareRegistration).
func (a *applier) checkRegistrations() {
	// Every pod of a cluster registers with that cluster's one server agent here, so two pods registering
	// the same service ID (an HA pair of gateways) replace each other; only the last is compared, and the
	// pod runner (-pods), where each pod has its own agent, compares them all.
	last := map[string]int{}
	for i, r := range a.registered {
		last[r.srv.C.ref()+"/"+serviceID(r.def)] = i
	}
	for i, r := range a.registered {
		if last[r.srv.C.ref()+"/"+serviceID(r.def)] != i {
			a.rep.Notes = append(a.rep.Notes, fmt.Sprintf("registration %s in %s at %s replaced by a later pod's on the one server agent (compared by the pod runner)", serviceID(r.def), r.srv.C.Datacenter, str(r.def, "address")))
			continue
		}
		c, _ := r.srv.clientWithToken(r.token)
		id := serviceID(r.def)
		svc, _, err := c.Agent().Service(id, nil)
		if err != nil {
			a.rep.problem("registration %s in %s: reading it back with its own token: %v", id, r.srv.C.Datacenter, err)
			continue
		}
		var side *api.AgentService
		if obj(obj(r.def["connect"])["sidecar_service"]) != nil {
			if side, _, err = c.Agent().Service(id+"-sidecar-proxy", nil); err != nil {
				a.rep.problem("registration %s in %s: its sidecar: %v", id, r.srv.C.Datacenter, err)
				continue
			}
		}
		if diffs := compareRegistration(r.def, svc, side); len(diffs) > 0 {
			a.rep.problem("registration %s in %s differs from its definition: %s", id, r.srv.C.Datacenter, strings.Join(diffs, "; "))
		}
	}
}

// compareRegistration compares what the data plane depends on: kind, name, address, port, tagged
// addresses, and the sidecar's port and upstreams.
func compareRegistration(def map[string]interface{}, svc, side *api.AgentService) []string {
	if svc == nil {
		return []string{"not registered"}
	}
	var diffs []string
	cmp := func(what string, want, got interface{}) {
		if fmt.Sprint(want) != fmt.Sprint(got) {
			diffs = append(diffs, fmt.Sprintf("%s %v, registered %v", what, want, got))
		}
	}
	cmp("kind", str(def, "kind"), string(svc.Kind))
	cmp("name", str(def, "name"), svc.Service)
	cmp("port", intOf(def["port"]), svc.Port)
	cmp("address", str(def, "address"), svc.Address)
	for _, t := range []string{"lan", "wan"} {
		want := obj(obj(def["tagged_addresses"])[t])
		if want == nil {
			continue
		}
		got := svc.TaggedAddresses[t]
		cmp(t+" address", fmt.Sprintf("%s:%d", str(want, "address"), intOf(want["port"])), fmt.Sprintf("%s:%d", got.Address, got.Port))
	}
	sc := obj(obj(def["connect"])["sidecar_service"])
	if sc == nil {
		return diffs
	}
	if side == nil || side.Proxy == nil {
		return append(diffs, "sidecar not registered")
	}
	cmp("sidecar port", intOf(sc["port"]), side.Port)
	wantUp := list(obj(sc["proxy"]), "upstreams")
	cmp("upstream count", len(wantUp), len(side.Proxy.Upstreams))
	for i, u := range wantUp {
		if i >= len(side.Proxy.Upstreams) {
			break
		}
		m, g := obj(u), side.Proxy.Upstreams[i]
		cmp(fmt.Sprintf("upstream[%d]", i),
			fmt.Sprintf("%s peer=%s partition=%s ns=%s %s:%d mode=%s", str(m, "destination_name"), str(m, "destination_peer"), str(m, "destination_partition"), str(m, "destination_namespace"), str(m, "local_bind_address"), intOf(m["local_bind_port"]), str(obj(m["mesh_gateway"]), "mode")),
			fmt.Sprintf("%s peer=%s partition=%s ns=%s %s:%d mode=%s", g.DestinationName, g.DestinationPeer, g.DestinationPartition, g.DestinationNamespace, g.LocalBindAddress, g.LocalBindPort, g.MeshGateway.Mode))
	}
	return diffs
}

func httpDo(method, hostport, path, token string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequest(method, "http://"+hostport+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Consul-Token", token)
	resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, strings.TrimSpace(string(out)))
	}
	return out, nil
}

func sortedCounts(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
