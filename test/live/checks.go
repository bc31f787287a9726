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
	LegsOK, Legs             int // failover targets after the first of a resolver-routed call
	DeniedOK, Denied         int
	Registrations            int
	Bootstraps               int
	ConvergedOK, Converged   int
	// OperatorTokens of OperatorClusters (stack, cluster) pairs were applied with the least-privilege token
	// of -operator-rules (operator.go); both stay 0 without it.
	OperatorTokens, OperatorClusters int
	Problems                         []string
	Notes                            []string
}

func (r *report) problem(format string, args ...interface{}) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *report) ok() bool {
	return len(r.Problems) == 0 && r.OperatorTokens == r.OperatorClusters && r.PeeringsActive == r.Peerings && r.ImportsOK == r.Imports &&
		r.AllowedOK == r.Allowed && r.LegsOK == r.Legs && r.DeniedOK == r.Denied && r.ConvergedOK == r.Converged
}

// line is the summary; `(failover legs N/N)` appears only when some call resolves through failover targets,
// `, operator tokens N/N` only with -operator-rules.
func (r *report) line() string {
	legs := ""
	if r.Legs > 0 {
		legs = fmt.Sprintf(" (failover legs %d/%d)", r.LegsOK, r.Legs)
	}
	operator := ""
	if r.OperatorClusters > 0 {
		operator = fmt.Sprintf(", operator tokens %d/%d", r.OperatorTokens, r.OperatorClusters)
	}
	return fmt.Sprintf("consul live: %s, %d clusters, peerings ACTIVE %d/%d, imports %d/%d, calls allowed %d/%d%s and denied %d/%d, registrations %d with own tokens, bootstraps %d, config entries converged %d/%d%s",
		r.Version, r.Clusters, r.PeeringsActive, r.Peerings, r.ImportsOK, r.Imports, r.AllowedOK, r.Allowed, legs,
		r.DeniedOK, r.Denied, r.Registrations, r.Bootstraps, r.ConvergedOK, r.Converged, operator)
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

// peerLinks pairs every consul_peering (dialer) with the consul_peering_token (acceptor) it reads, in its
// own stack or, through a remote state, in an earlier one.
func peerLinks(stacks []*stack) ([]peerLink, error) {
	var out []peerLink
	for _, s := range stacks {
		for _, n := range s.Order {
			if n.Type != "consul_peering" {
				continue
			}
			_, tok := tokenSource(s, str(n.Body, "peering_token"))
			if tok == nil {
				return nil, fmt.Errorf("%s reads its token from no consul_peering_token of the stacks applied", s.display(n.Address))
			}
			out = append(out,
				peerLink{From: n.Cluster, Name: str(n.Body, "peer_name"), To: tok.Cluster},
				peerLink{From: tok.Cluster, Name: str(tok.Body, "peer_name"), To: n.Cluster})
		}
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
		nameThere := reverseName(links, w.link)
		if ok, seen := a.waitImported(w.link.To, w.exporter, w.service, nameThere, within); ok {
			a.rep.ImportsOK++
		} else {
			a.rep.problem("%s does not see %s from peer %q after %s: %s", w.link.To.Datacenter, w.service, nameThere, within, seen)
		}
	}
}

// waitImported waits until the importer sees the service from its peer `peer` (the exporter): its instances
// (`/v1/health/service/<name>?peer=`) when the exporter has any registered, else its name in the peer's catalog.
// It returns what it saw last when it gives up.
func (a *applier) waitImported(importer, exporter *cluster, service, peer string, within time.Duration) (bool, string) {
	srv := a.servers[importer]
	registered, _, _ := a.servers[exporter].Client.Catalog().Service(service, "", nil)
	deadline := time.Now().Add(within)
	for {
		var seen string
		if len(registered) > 0 {
			entries, _, err := srv.Client.Health().Service(service, "", false, &api.QueryOptions{Peer: peer})
			if err == nil && len(entries) > 0 {
				return true, ""
			}
			seen = fmt.Sprintf("%d instances (%v)", len(entries), err)
		} else {
			svcs, _, err := srv.Client.Catalog().Services(&api.QueryOptions{Peer: peer})
			if _, ok := svcs[service]; err == nil && ok {
				return true, ""
			}
			seen = fmt.Sprintf("services %v (%v)", svcs, err)
		}
		if time.Now().After(deadline) || a.ctx.Err() != nil {
			return false, seen
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// callTarget is one place a call can land: a service in a cluster, local to the caller or across a peering.
type callTarget struct {
	to        *cluster
	service   string
	peer      string // the caller's cluster's name for the target's cluster ("" when local)
	peerThere string // the target's cluster's name for the caller's cluster ("" when local)
}

func (t callTarget) describe() string {
	if t.peer == "" {
		return fmt.Sprintf("%s in %s", t.service, t.to.Datacenter)
	}
	return fmt.Sprintf("%s in %s (peer %q)", t.service, t.to.Datacenter, t.peer)
}

// call is one upstream of a registered sidecar: chain[0] is where it goes, the rest are its failover legs.
type call struct {
	from     *cluster
	caller   string
	dest     string // the upstream's destination name
	token    string // the caller's token (what its sidecar reads the chain with)
	resolver string // the service-resolver routing it ("" when none)
	chain    []callTarget
}

// checkCalls takes the declared calls from the registered sidecars' upstreams (what the callers will dial),
// independently of the intentions rendered for them, and checks each target a call can land on:
//   - an upstream with destination_peer goes to that peer's cluster;
//   - an upstream without one whose name has a service-resolver in the caller's cluster (written by the
//     stacks) goes where the server's compiled discovery chain sends it (/v1/discovery-chain/<name>, read
//     with the caller's token, as its sidecar's chain): the resolver's target, then its failover targets in
//     order. A local primary target with no instance registered in the caller's cluster is passed over, as
//     Consul fails over from a target without healthy instances; the first remaining target is the call,
//     every later one a failover leg, which must pass the same checks;
//   - any other upstream is a call within the caller's cluster.
//
// A target across a peering must be imported by the caller's cluster (`?peer=`, instances when the exporter
// has them). Every target asks its cluster's server through /v1/agent/connect/authorize whether a connection
// from the caller's SPIFFE ID (in its own cluster's trust domain) is allowed; then an undeclared caller must
// be denied there. Consul 1.14's authorize matches intention sources by name, namespace and partition only
// (agent/connect/authz.go AuthorizeIntentionTarget) and does not read the source peer, so for a target across
// a peering the intention the server stores is also checked to name the caller's cluster by the target's
// local name for it (/v1/connect/intentions/match).
func (a *applier) checkCalls(links []peerLink) {
	var calls []call
	for _, r := range a.registered {
		sc := obj(obj(r.def["connect"])["sidecar_service"])
		for _, u := range list(obj(sc["proxy"]), "upstreams") {
			m := obj(u)
			c := call{from: r.srv.C, caller: str(r.def, "name"), dest: str(m, "destination_name"), token: r.token}
			if p := str(m, "destination_peer"); p != "" {
				l := findLink(links, r.srv.C, p)
				if l == nil {
					a.rep.Allowed++
					a.rep.problem("%s in %s has an upstream to peer %q, which no peering of this stack names", c.caller, r.srv.C.Datacenter, p)
					continue
				}
				c.chain = []callTarget{{to: l.To, service: c.dest, peer: p, peerThere: reverseName(links, l)}}
			} else if e := a.resolverEntry(c.from, c.dest); e != nil {
				c.resolver = fmt.Sprintf("service-resolver %s in %s", e.Name, c.from.Datacenter)
				chain, err := a.resolverChain(c, links)
				if err != nil {
					a.rep.Allowed++
					a.rep.problem("%s in %s calling %s through %s: %v", c.caller, c.from.Datacenter, c.dest, c.resolver, err)
					continue
				}
				c.chain = chain
			} else {
				c.chain = []callTarget{{to: c.from, service: c.dest}}
			}
			calls = append(calls, c)
		}
	}
	deniedDone := map[string]bool{}
	for _, c := range calls {
		a.rep.Allowed++
		first := c.chain[0]
		if reason := a.checkTarget(c, first); reason != "" {
			via := ""
			if c.resolver != "" {
				via = fmt.Sprintf(" (through %s, first target peer %q)", c.resolver, first.peer)
				if first.peer == "" {
					via = fmt.Sprintf(" (through %s, first target local)", c.resolver)
				}
			}
			a.rep.problem("%s in %s calling %s in %s%s: %s", c.caller, c.from.Datacenter, first.service, first.to.Datacenter, via, reason)
		} else {
			a.rep.AllowedOK++
		}
		for i, t := range c.chain[1:] {
			a.rep.Legs++
			if reason := a.checkTarget(c, t); reason != "" {
				a.rep.problem("%s in %s calling %s through %s: failover leg %d of %d, to %s: %s", c.caller, c.from.Datacenter, c.dest, c.resolver, i+1, len(c.chain)-1, t.describe(), reason)
				continue
			}
			a.rep.LegsOK++
		}
		for _, t := range c.chain {
			key := t.to.ref() + "/" + t.service
			if deniedDone[key] {
				continue
			}
			deniedDone[key] = true
			a.rep.Denied++
			srv := a.servers[t.to]
			ok, reason, err := authorize(srv, a.tokenOf(t), t.service, a.spiffe(c.from, "undeclared-caller", ""))
			if err != nil || ok {
				a.rep.problem("undeclared-caller in %s calling %s in %s: allowed (%s %v)", c.from.Datacenter, t.service, t.to.Datacenter, reason, err)
				continue
			}
			a.rep.DeniedOK++
		}
	}
}

// tokenOf is the token the target service registered with (its own), or the management token.
func (a *applier) tokenOf(t callTarget) string {
	if token := a.serviceTokens[t.to.ref()+"/"+t.service]; token != "" {
		return token
	}
	return a.servers[t.to].MgmtTok
}

// checkTarget returns why the caller cannot reach the target ("" when it can).
func (a *applier) checkTarget(c call, t callTarget) string {
	if t.peer != "" {
		if ok, seen := a.waitImported(c.from, t.to, t.service, t.peer, 30*time.Second); !ok {
			return fmt.Sprintf("not imported: %s does not see %s from peer %q (%s)", c.from.Datacenter, t.service, t.peer, seen)
		}
	}
	srv := a.servers[t.to]
	ok, reason, err := authorize(srv, a.tokenOf(t), t.service, a.spiffe(c.from, c.caller, ""))
	switch {
	case err != nil || !ok:
		return fmt.Sprintf("not allowed (%s %v)", reason, err)
	case t.peer != "" && !a.intentionStoredWithPeer(srv, t.service, c.caller, t.peerThere):
		return fmt.Sprintf("allowed, but the server's intention for %s has no source peer %q", c.caller, t.peerThere)
	}
	return ""
}

// resolverEntry is the service-resolver the stacks wrote for a service in a cluster, if any.
func (a *applier) resolverEntry(c *cluster, service string) *appliedEntry {
	for _, e := range a.entries {
		if e.Kind == api.ServiceResolver && e.Cluster == c && e.Name == service {
			return e
		}
	}
	return nil
}

// discoveryChain is the part of /v1/discovery-chain/<name> the call check follows (Consul 1.14's
// structs.CompiledDiscoveryChain; the api module's DiscoveryTarget has no Peer, so it is read here).
type discoveryChain struct {
	Chain struct {
		StartNode string
		Nodes     map[string]struct {
			Type     string
			Resolver *struct {
				Target   string
				Failover *struct{ Targets []string }
			}
		}
		Targets map[string]struct {
			Service, Namespace, Partition, Datacenter, Peer string
		}
	}
}

// resolverChain reads the compiled discovery chain of the call's destination in the caller's cluster and
// turns its resolver's target and failover targets into call targets.
func (a *applier) resolverChain(c call, links []peerLink) ([]callTarget, error) {
	srv := a.servers[c.from]
	out, err := httpDo("GET", srv.HTTP, "/v1/discovery-chain/"+c.dest, c.token, nil)
	if err != nil {
		return nil, fmt.Errorf("reading its discovery chain with the caller's token: %v", err)
	}
	var dc discoveryChain
	if err := json.Unmarshal(out, &dc); err != nil {
		return nil, err
	}
	start, ok := dc.Chain.Nodes[dc.Chain.StartNode]
	if !ok || start.Type != "resolver" || start.Resolver == nil {
		return nil, fmt.Errorf("the compiled chain starts at a %s node %q: the call check follows resolver chains only", start.Type, dc.Chain.StartNode)
	}
	ids := []string{start.Resolver.Target}
	if f := start.Resolver.Failover; f != nil {
		ids = append(ids, f.Targets...)
	}
	var chain []callTarget
	for i, id := range ids {
		t, ok := dc.Chain.Targets[id]
		if !ok {
			return nil, fmt.Errorf("the compiled chain names target %q without defining it", id)
		}
		for _, v := range []string{t.Namespace, t.Partition} {
			if v != "" && v != "default" {
				return nil, fmt.Errorf("target %s is in namespace %q, partition %q: not checked (Enterprise)", id, t.Namespace, t.Partition)
			}
		}
		switch {
		case t.Peer != "":
			l := findLink(links, c.from, t.Peer)
			if l == nil {
				return nil, fmt.Errorf("target %s names peer %q, which no peering of the stacks names in %s", id, t.Peer, c.from.Datacenter)
			}
			chain = append(chain, callTarget{to: l.To, service: t.Service, peer: t.Peer, peerThere: reverseName(links, l)})
		case t.Datacenter != "" && t.Datacenter != c.from.Datacenter:
			return nil, fmt.Errorf("target %s is in datacenter %s (WAN federation): not checked", id, t.Datacenter)
		default:
			if i == 0 {
				if regs, _, err := srv.Client.Catalog().Service(t.Service, "", nil); err == nil && len(regs) == 0 {
					a.rep.Notes = append(a.rep.Notes, fmt.Sprintf("%s in %s calling %s: %s has no instance of %s in %s, so Consul fails over to the next target", c.caller, c.from.Datacenter, c.dest, c.resolver, t.Service, c.from.Datacenter))
					continue
				}
			}
			chain = append(chain, callTarget{to: c.from, service: t.Service})
		}
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("no target to call: the chain's only target has no instance")
	}
	return chain, nil
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
		typ := e.Type
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
