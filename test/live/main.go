// Command consul-live applies synthesized cdktf stacks to live Consul servers and checks the result
// (the live tier; see README "How we verify").
//
//	consul-live -consul /path/to/consul -stack cdktf.out/stacks/<name>/cdk.tf.json [-stack ...] [-services FILE] [-timeout 240s] [-keep]
//	consul-live -pods -consul /path/to/consul -stack lab/cdk.tf.json -stack mesh/cdk.tf.json
//
// The first form applies the stacks of one app in the order given (their deployment order): they share one
// server per datacenter, whichever stack's provider names it; each stack's outputs are evaluated once it is
// applied and answer a later stack's terraform_remote_state (remote.go); the checks then run over all of
// them. -services hands over the service definitions of an app that leaves its data plane to the operator
// (dataplane.go).
//
// The second form is the pod runner (pods.go): it deploys the stacks in order, emulating their Docker
// resources with bridges and network namespaces and running the data plane's agents for real, and prints
// a `data plane live: ...` line after the `consul live: ...` one.
//
// It re-executes itself in a private network namespace (root only), so every address it uses (servers on
// 127.0.0.1, gateway stand-ins on the gateways' own LAN and WAN addresses, added to that namespace's
// loopback device) exists only there and disappears with it. Everything it starts is killed when it
// exits, also on failure or timeout. On success it prints one `consul live: ...` line and exits 0; on any
// mismatch it prints the line, then one `live: problem: ...` line each, and exits 1; on a setup error, 2;
// for a stack that needs Consul Enterprise, it prints `consul live: skipped, <why>` and exits 3.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

const netnsEnv = "CONSUL_LIVE_IN_NETNS"

type stackList []string

func (l *stackList) String() string     { return strings.Join(*l, ",") }
func (l *stackList) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	consulBin := flag.String("consul", "", "path to the consul binary (v1.14.0)")
	var stacks stackList
	flag.Var(&stacks, "stack", "path to a synthesized cdk.tf.json; repeat it for the stacks of one app, in deployment order")
	operatorRulesFile := flag.String("operator-rules", "", "apply each stack with a token holding only its cluster's operatorPolicyDocument() rules (operator.go), not the management token")
	services := flag.String("services", "", "the service definitions an app leaves to its operator's data plane, with their tokens' expressions (dataplane.go)")
	pods := flag.Bool("pods", false, "pod runner: emulate the stacks' Docker resources and run the data plane's agents for real")
	timeout := flag.Duration("timeout", 240*time.Second, "hard limit for the whole run")
	keep := flag.Bool("keep", false, "keep the scratch directory (server logs) after the run")
	hold := flag.Bool("hold", false, "after the checks, keep everything running until interrupted (to look at the servers with nsenter)")
	flag.Parse()
	if *consulBin == "" || len(stacks) == 0 || (*pods && *services != "") {
		fmt.Fprintln(os.Stderr, "usage: consul-live -consul BIN -stack first/cdk.tf.json [-stack next/cdk.tf.json ...] [-services services.json] [-timeout 240s] [-keep]\n       consul-live -pods -consul BIN -stack first/cdk.tf.json [-stack next/cdk.tf.json ...]")
		os.Exit(2)
	}
	if os.Getenv(netnsEnv) != "1" {
		os.Exit(reexecInNetns(*timeout))
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sig; cancel() }()
	if *pods {
		os.Exit(runPods(ctx, *consulBin, stacks, *operatorRulesFile, *keep))
	}
	os.Exit(run(ctx, *consulBin, stacks, *services, *operatorRulesFile, *keep, *hold))
}

// reexecInNetns runs this command again in a new network namespace and waits for it, killing it (and so,
// through their parent-death signal, the servers it started) when the time is up.
func reexecInNetns(timeout time.Duration) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "live:", err)
		return 2
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Env = append(os.Environ(), netnsEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "live: cannot start in a private network namespace (needs root or CAP_SYS_ADMIN): %v\n", err)
		return 2
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			return 2
		}
		return 0
	case <-time.After(timeout + 20*time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		fmt.Fprintf(os.Stderr, "live: killed after %s\n", timeout+20*time.Second)
		return 2
	}
}

var ipOnly = regexp.MustCompile(`^[0-9.]+$`)

func run(ctx context.Context, consulBin string, stackFiles []string, servicesFile, operatorRulesFile string, keep, hold bool) int {
	rep := &report{}
	fail := func(format string, args ...interface{}) int {
		fmt.Fprintf(os.Stderr, "live: "+format+"\n", args...)
		return 2
	}
	operatorRules, err := readOperatorRules(operatorRulesFile)
	if err != nil {
		return fail("%v", err)
	}
	// Stacks in deployment order, sharing one cluster (one server) per datacenter.
	dcs := map[string]*cluster{}
	var stacks []*stack
	var clusters []*cluster
	for _, f := range stackFiles {
		s, err := loadStack(f, dcs)
		if err != nil {
			return fail("%v", err)
		}
		for _, o := range stacks {
			if o.Name == s.Name {
				return fail("two stacks named %s (%s, %s)", s.Name, o.File, s.File)
			}
		}
		if len(stackFiles) > 1 {
			s.Prefix = s.Name + ":"
		}
		stacks = append(stacks, s)
		rep.Notes = append(rep.Notes, s.Notes...)
		for _, c := range s.Clusters {
			if !containsCluster(clusters, c) {
				clusters = append(clusters, c)
			}
		}
	}
	if len(clusters) == 0 {
		fmt.Println("consul live: no consul provider in this stack, nothing to apply")
		return 0
	}
	for _, s := range stacks {
		if why := enterpriseOnly(s); why != "" {
			if len(stacks) > 1 {
				why = "stack " + s.Name + ": " + why
			}
			fmt.Printf("consul live: skipped, %s: Consul 1.14 Community cannot run it (admin partitions, namespaces and sameness groups are Enterprise)\n", why)
			return 3
		}
	}
	linkProblems, err := linkRemoteStates(stacks)
	if err != nil {
		return fail("%v", err)
	}
	for _, p := range linkProblems {
		rep.problem("%s", p)
	}
	rep.Notes = append(rep.Notes, remoteStateSummary(stacks)...)
	external, err := loadServicesFile(servicesFile)
	if err != nil {
		return fail("%v", err)
	}
	if rep.Version, err = consulVersion(consulBin); err != nil {
		return fail("%v", err)
	}
	rep.Clusters = len(clusters)

	podsOf := map[*stack]map[string]*pod{}
	podOfOf := map[*stack]map[string]*pod{}
	for _, s := range stacks {
		pods, podOf, notes, err := discoverPods(s)
		if err != nil {
			return fail("%v", err)
		}
		rep.Notes = append(rep.Notes, notes...)
		notes, err = addRegistrations(s, external, pods)
		if err != nil {
			return fail("%v", err)
		}
		rep.Notes = append(rep.Notes, notes...)
		podsOf[s], podOfOf[s] = pods, podOf
	}

	// Loopback inside the namespace, with every gateway address on it.
	var ips []string
	seen := map[string]bool{}
	for _, s := range stacks {
		for _, p := range podsOf[s] {
			for _, a := range p.Addresses {
				host, _, err := net.SplitHostPort(a)
				if err != nil || !ipOnly.MatchString(host) || strings.HasPrefix(host, "127.") || seen[host] {
					continue
				}
				seen[host] = true
				ips = append(ips, host)
			}
		}
	}
	sort.Strings(ips)
	if err := exec.Command("ip", "link", "set", "lo", "up").Run(); err != nil {
		return fail("ip link set lo up: %v", err)
	}
	for _, ip := range ips {
		if out, err := exec.Command("ip", "addr", "add", ip+"/32", "dev", "lo").CombinedOutput(); err != nil {
			return fail("ip addr add %s: %v %s", ip, err, out)
		}
	}

	root, err := os.MkdirTemp("", "consul-live-")
	if err != nil {
		return fail("%v", err)
	}
	defer func() {
		if keep {
			fmt.Fprintf(os.Stderr, "live: kept %s\n", root)
		} else {
			os.RemoveAll(root)
		}
	}()

	mgmt := uuid()
	servers := map[*cluster]*server{}
	var gateways []*gatewayStandIn
	apps := &appStandIns{}
	defer func() {
		for _, g := range gateways {
			g.stop()
		}
		apps.stop()
		for _, srv := range servers {
			srv.stop()
		}
	}()
	taken := map[string]bool{}
	serversStart := time.Now()
	type started struct {
		srv *server
		err error
	}
	results := make([]started, len(clusters))
	var wg sync.WaitGroup
	for i, c := range clusters {
		addr := httpAddress(c, i, taken)
		taken[addr] = true
		wg.Add(1)
		go func(i int, c *cluster, addr string) {
			defer wg.Done()
			srv, err := startServer(ctx, consulBin, root, c, i, mgmt, addr)
			results[i] = started{srv, err}
		}(i, c, addr)
	}
	wg.Wait()
	for i, r := range results {
		if r.srv != nil {
			servers[clusters[i]] = r.srv
		}
	}
	for _, r := range results {
		if r.err != nil {
			return fail("%v", r.err)
		}
	}
	rep.Notes = append(rep.Notes, fmt.Sprintf("%d servers ready in %.1fs", len(servers), time.Since(serversStart).Seconds()))

	for _, s := range stacks {
		pods := podsOf[s]
		for _, k := range sortedPodKeys(pods) {
			p := pods[k]
			if !p.Gateway || len(p.Addresses) == 0 {
				continue
			}
			g, err := startGatewayStandIn(p.Cluster.Datacenter+"/"+p.NodeName, servers[p.Cluster], p.Addresses, 0)
			if err != nil {
				return fail("%v", err)
			}
			gateways = append(gateways, g)
		}
	}

	a := &applier{ctx: ctx, servers: servers, consul: consulBin, root: root, apps: apps, rep: rep, serviceTokens: map[string]string{}}
	for _, s := range stacks {
		vars := map[string]string{}
		for name := range s.Variables {
			vars[name] = mgmt // every variable of our stacks is an operator token; the lab's is the management token
		}
		a.s, a.r, a.pods, a.podOf = s, &resolver{s: s, vars: vars}, podsOf[s], podOfOf[s]
		applyStart := time.Now()
		err := a.useOperatorTokens(operatorRules)
		if err == nil {
			err = a.apply()
		}
		if err == nil {
			err = a.evaluateOutputs()
		}
		what := fmt.Sprintf("applied %d nodes", len(s.Order))
		if len(stacks) > 1 {
			what += " of stack " + s.Name
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s in %.1fs", what, time.Since(applyStart).Seconds()))
		if err != nil {
			rep.problem("apply: %v", err)
			break
		}
	}
	rep.Registrations = a.regCount

	links, err := peerLinks(stacks)
	if err != nil {
		rep.problem("%v", err)
	}
	if len(rep.Problems) == len(linkProblems) {
		a.checkPeerings(links, 60*time.Second)
		a.checkImports(links, 60*time.Second)
		a.checkCalls(links)
		a.checkRegistrations()
		a.checkConvergence()
		a.checkGatewayPaths(gateways)
	}
	fmt.Println(rep.line())
	rep.printDetails(gateways)
	if hold {
		for _, c := range clusters {
			fmt.Printf("live: hold: %s HTTP %s (nsenter --net=/proc/%d/ns/net ...)\n", c.Datacenter, servers[c].HTTP, os.Getpid())
		}
		tokenFile := filepath.Join(root, "management.token")
		_ = os.WriteFile(tokenFile, []byte(mgmt), 0o600)
		fmt.Printf("live: hold: management token in %s\n", tokenFile)
		<-ctx.Done()
	}
	if !rep.ok() {
		for _, c := range clusters {
			if srv := servers[c]; srv != nil {
				fmt.Fprintf(os.Stderr, "--- %s server log (last 30 lines) ---\n%s\n", srv.C.Datacenter, tail(srv.LogFile, 30))
			}
		}
		return 1
	}
	return 0
}

// checkGatewayPaths: where a cluster's mesh entry peers through mesh gateways, its gateway stand-ins must
// have carried the peering control plane (dialer side: to a peer; acceptor side: to the local server).
func (a *applier) checkGatewayPaths(gateways []*gatewayStandIn) {
	through := map[*cluster]bool{}
	for _, e := range a.entries {
		if e.Kind == "mesh" && strings.Contains(strings.ReplaceAll(str(e.Body, "config_json"), " ", ""), `"PeerThroughMeshGateways":true`) {
			through[e.Cluster] = true
		}
	}
	for c := range through {
		carried := 0
		for _, g := range gateways {
			if g.srv.C != c {
				continue
			}
			for k, v := range g.Routed() {
				if k == "local server" || strings.HasPrefix(k, "peer ") {
					carried += v
				}
			}
		}
		if carried == 0 && len(gateways) > 0 {
			a.rep.problem("%s peers through mesh gateways, but no gateway of %s carried a peering connection", c.Datacenter, c.Datacenter)
		}
	}
}

// consulVersion is what `consul version` prints on its first line, without the "v" ("1.14.0").
func consulVersion(bin string) (string, error) {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "", fmt.Errorf("%s version: %v", bin, err)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 2 {
		return "", fmt.Errorf("%s version printed %q", bin, out)
	}
	return strings.TrimPrefix(fields[1], "v"), nil
}

// enterpriseOnly names the first thing in the stack that needs Consul Enterprise, or returns "": admin
// partitions and namespaces, a partition or namespace other than default, sameness groups (the
// `sameness-group` entry, a `sameness_group` attribute anywhere in a resource); then an explicit partition
// or namespace even when "default", which the provider sends as a query parameter that a Community server
// refuses ("Partitions are a Consul Enterprise feature"): the library writes it on Enterprise clusters only.
func enterpriseOnly(s *stack) string {
	for _, c := range s.Clusters {
		if c.Partition != "" && c.Partition != "default" {
			return fmt.Sprintf("provider %s uses partition %q", c.ref(), c.Partition)
		}
	}
	for _, n := range s.Order {
		switch n.Type {
		case "consul_admin_partition", "consul_namespace":
			return n.Address
		}
		if !strings.HasPrefix(n.Type, "consul_") {
			continue
		}
		for _, k := range []string{"partition", "namespace"} {
			if v := str(n.Body, k); v != "" && v != "default" {
				return fmt.Sprintf("%s has %s %q", n.Address, k, v)
			}
		}
		if n.Type == "consul_config_entry" && str(n.Body, "kind") == "sameness-group" {
			return fmt.Sprintf("%s is a sameness-group entry", n.Address)
		}
		if hasKey(n.Body, "sameness_group") {
			return fmt.Sprintf("%s names a sameness group", n.Address)
		}
	}
	for _, n := range s.Order {
		if !strings.HasPrefix(n.Type, "consul_") {
			continue
		}
		for _, k := range []string{"partition", "namespace"} {
			if v, ok := n.Body[k].(string); ok && v != "" {
				return fmt.Sprintf("%s sets %s %q, a parameter a Community server refuses", n.Address, k, v)
			}
		}
	}
	return ""
}

// hasKey reports whether a non-empty value is set for key anywhere in v.
func hasKey(v interface{}, key string) bool {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, e := range t {
			if k == key && !isEmpty(e) {
				return true
			}
			if hasKey(e, key) {
				return true
			}
		}
	case []interface{}:
		for _, e := range t {
			if hasKey(e, key) {
				return true
			}
		}
	}
	return false
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
