package main

// The pod runner (`-pods`): emulates a stack's Docker resources closely enough to run the real Consul
// pieces of the data plane, inside the tier's private network namespace.
//
//   - docker_network: a Linux bridge with the network's subnet and gateway address;
//   - a container with networks_advanced (a pod's pause container, a lab server): a network namespace
//     held by the pause process itself (`sleep infinity`; for a lab server, a holder of ours), with one
//     veth per network at its fixed address; `ports` are published on this namespace's loopback by a TCP
//     forwarder, as docker-proxy does;
//   - every container's uploads are written under its own root at their paths, with their modes; the
//     container's command runs with the real consul binary in its pod's namespace. The one rewrite: paths
//     under /consul/ (the image's directory) point into the container's root, in the command and in
//     every string of an uploaded agent configuration; the count is printed;
//   - client agents and lab servers run for real; Envoy containers run their exact command with
//     -bootstrap added (no Envoy binary), and a gateway stand-in then listens on the gateway's own LAN and
//     WAN addresses inside the gateway's pod; app containers are stand-ins answering HTTP 200 on the port
//     their health check probes (the demo app is nginx).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/consul/api"
)

type podRunner struct {
	ctx      context.Context
	consul   string
	root     string
	mgmt     string
	nets     map[string]*bridgeNet
	holders  map[string]int    // container address of the namespace owner -> holder pid
	podKeys  map[string]string // container address -> its namespace owner's address
	appPods  map[int]bool      // namespaces with an app container
	procs    []*exec.Cmd
	closers  []io.Closer
	veths    int
	rewrites int
	version  string   // the consul binary's version
	stripped []string // changes made for an older Consul (olderAgent)
	apps     *appStandIns
	gateways []*gatewayStandIn
	// what ran
	labServers map[string]*server // datacenter -> lab server
	agents     []*runAgent
	bootstraps int
	logs       []string
}

type runAgent struct {
	Address    string
	Datacenter string
	Node       string
	Services   []map[string]interface{}
	Token      string // config_file_service_registration
	Log        string
}

func (r *podRunner) stop() {
	for _, g := range r.gateways {
		g.stop()
	}
	if r.apps != nil {
		r.apps.stop()
	}
	for _, c := range r.closers {
		_ = c.Close()
	}
	for i := len(r.procs) - 1; i >= 0; i-- {
		if p := r.procs[i].Process; p != nil {
			_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
			_, _ = p.Wait()
		}
	}
}

func (r *podRunner) start(name string, args []string, log string, nsPid int) (*exec.Cmd, error) {
	if nsPid > 0 {
		args = append([]string{"--net=/proc/" + strconv.Itoa(nsPid) + "/ns/net", "--"}, args...)
		args = append([]string{"nsenter"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	f, err := os.Create(log)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(log)}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if nsPid == 0 {
		cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWNET
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	r.procs = append(r.procs, cmd)
	r.logs = append(r.logs, log)
	return cmd, nil
}

// network creates the bridge of a docker_network.
func (r *podRunner) network(n *node, b map[string]interface{}) error {
	name := str(b, "name")
	var subnet, gateway string
	for _, c := range list(b, "ipam_config") {
		subnet, gateway = str(obj(c), "subnet"), str(obj(c), "gateway")
	}
	if subnet == "" {
		return fmt.Errorf("network %s has no ipam_config subnet: the pod runner needs fixed subnets", name)
	}
	br, err := newBridge(len(r.nets), name, subnet, gateway)
	if err != nil {
		return err
	}
	r.nets[name] = br
	n.Attrs["name"], n.Attrs["id"] = name, "docker:"+name
	return nil
}

// consulPath maps a path of the image's /consul directory into the container's root.
func (r *podRunner) consulPath(root, p string) string {
	if strings.HasPrefix(p, "/consul/") || p == "/consul" {
		r.rewrites++
		return filepath.Join(root, p)
	}
	return p
}

func (r *podRunner) rewriteStrings(root string, v interface{}) interface{} {
	switch t := v.(type) {
	case string:
		return r.consulPath(root, t)
	case []interface{}:
		for i := range t {
			t[i] = r.rewriteStrings(root, t[i])
		}
	case map[string]interface{}:
		for k := range t {
			t[k] = r.rewriteStrings(root, t[k])
		}
	}
	return v
}

// container runs one docker_container. pod is the pod key (the namespace owner's address).
func (r *podRunner) container(n *node, b map[string]interface{}, key string, clusters map[string]*server) error {
	cname := str(b, "name")
	root := filepath.Join(r.root, "containers", cname)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	cmdline := append(strList(b, "entrypoint"), strList(b, "command")...)
	var agentConfig map[string]interface{}
	var services []map[string]interface{}
	var regToken string
	type file struct {
		local, content string
		mode           os.FileMode
		doc            map[string]interface{} // an uploaded agent configuration (JSON, consul containers)
	}
	var files []*file
	for _, u := range containerUploads(b) {
		f := &file{local: filepath.Join(root, filepath.Clean(u.File)), content: u.Content, mode: 0o644}
		for _, x := range list(b, "upload") {
			if str(obj(x), "file") == u.File && str(obj(x), "permissions") != "" {
				m, _ := strconv.ParseUint(str(obj(x), "permissions"), 8, 32)
				f.mode = os.FileMode(m)
			}
		}
		var doc map[string]interface{}
		if len(cmdline) > 0 && filepath.Base(cmdline[0]) == "consul" && json.Unmarshal([]byte(u.Content), &doc) == nil {
			f.doc = doc
			if str(doc, "datacenter") != "" {
				agentConfig = doc
			}
			if svc := obj(doc["service"]); svc != nil {
				services = append(services, svc)
			}
			if t := str(obj(obj(doc["acl"])["tokens"]), "config_file_service_registration"); t != "" {
				regToken = t
			}
		}
		files = append(files, f)
	}
	r.olderAgent(cname, files2docs(files, func(f *file) map[string]interface{} { return f.doc }), regToken)
	for _, f := range files {
		content := f.content
		if f.doc != nil {
			raw, _ := json.MarshalIndent(r.rewriteStrings(root, f.doc), "", "  ")
			content = string(raw)
		}
		if err := os.MkdirAll(filepath.Dir(f.local), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f.local, []byte(content), f.mode); err != nil {
			return err
		}
		_ = os.Chmod(f.local, f.mode)
	}

	// The namespace: its own (pause, lab server) or its pod's.
	if len(list(b, "networks_advanced")) > 0 {
		holderArgs := cmdline
		if len(cmdline) == 0 || cmdline[0] != "sleep" {
			holderArgs = []string{"sleep", "infinity"} // a lab server: our holder keeps its namespace
		}
		h, err := r.start(cname+" (namespace)", holderArgs, filepath.Join(root, "holder.log"), 0)
		if err != nil {
			return err
		}
		r.holders[n.Address] = h.Process.Pid
		for i, na := range list(b, "networks_advanced") {
			m := obj(na)
			br := r.nets[str(m, "name")]
			if br == nil {
				return fmt.Errorf("%s joins network %q, which no docker_network of the stacks creates", cname, str(m, "name"))
			}
			r.veths++
			if err := attach(h.Process.Pid, r.veths, i, br, str(m, "ipv4_address")); err != nil {
				return err
			}
		}
		first := str(obj(list(b, "networks_advanced")[0]), "ipv4_address")
		for _, p := range list(b, "ports") {
			m := obj(p)
			hostIP := str(m, "ip")
			if hostIP == "" {
				hostIP = "127.0.0.1"
			}
			if err := r.publish(net.JoinHostPort(hostIP, strconv.Itoa(intOf(m["external"]))), net.JoinHostPort(first, strconv.Itoa(intOf(m["internal"])))); err != nil {
				return err
			}
		}
		key = n.Address
	}
	pid := r.holders[key]
	if pid == 0 {
		return fmt.Errorf("%s: its pod's namespace (%s) has not started", cname, key)
	}
	n.Attrs["id"] = "docker:" + cname

	switch {
	case len(cmdline) > 0 && cmdline[0] == "sleep":
		return nil // the pause container: its process is the holder
	case len(cmdline) > 1 && filepath.Base(cmdline[0]) == "consul" && cmdline[1] == "agent":
		args := []string{r.consul}
		for _, a := range cmdline[1:] {
			if strings.HasPrefix(a, "-config-dir=") {
				a = "-config-dir=" + r.consulPath(root, strings.TrimPrefix(a, "-config-dir="))
			}
			args = append(args, a)
		}
		log := filepath.Join(root, "consul.log")
		if _, err := r.start(cname, args, log, pid); err != nil {
			return err
		}
		if agentConfig == nil {
			return fmt.Errorf("%s: no uploaded agent configuration with a datacenter", cname)
		}
		if agentConfig["server"] == true {
			return r.waitLabServer(cname, agentConfig, pid, log)
		}
		ag := &runAgent{Address: n.Address, Datacenter: str(agentConfig, "datacenter"), Node: str(agentConfig, "node_name"), Services: services, Token: regToken, Log: log}
		r.agents = append(r.agents, ag)
		if err := r.serveChecks(pid); err != nil {
			return err
		}
		return r.waitAgent(ag, clusters[ag.Datacenter])
	case len(cmdline) > 2 && filepath.Base(cmdline[0]) == "consul" && cmdline[1] == "connect" && cmdline[2] == "envoy":
		args := []string{r.consul}
		for i := 1; i < len(cmdline); i++ {
			a := cmdline[i]
			if a == "-token" {
				return fmt.Errorf("%s carries a token on its command line", cname)
			}
			if a == "-token-file" && i+1 < len(cmdline) {
				args = append(args, a, r.consulPath(root, cmdline[i+1]))
				i++
				continue
			}
			args = append(args, a)
		}
		args = append(args, "-bootstrap")
		var out, errb strings.Builder
		ctx, cancel := context.WithTimeout(r.ctx, 30*time.Second)
		defer cancel()
		run := exec.CommandContext(ctx, "nsenter", append([]string{"--net=/proc/" + strconv.Itoa(pid) + "/ns/net", "--"}, args...)...)
		run.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + root}
		run.Stdout, run.Stderr = &out, &errb
		if err := run.Run(); err != nil {
			return fmt.Errorf("%s: consul %s: %v: %s", cname, strings.Join(args[1:], " "), err, strings.TrimSpace(errb.String()))
		}
		var boot map[string]interface{}
		if err := json.Unmarshal([]byte(out.String()), &boot); err != nil || boot["static_resources"] == nil || boot["admin"] == nil {
			return fmt.Errorf("%s: no Envoy bootstrap (%v)", cname, err)
		}
		r.bootstraps++
		if g := cmdFlag(cmdline, "-gateway"); g != "" {
			var addrs []string
			for _, f := range []string{"-address", "-wan-address"} {
				if v := cmdFlag(cmdline, f); v != "" {
					addrs = append(addrs, v)
				}
			}
			dc := ""
			for _, ag := range r.agents {
				if r.holderOf(ag.Address) == pid {
					dc = ag.Datacenter
				}
			}
			gs, err := startGatewayStandIn(dc+"/"+cname, clusters[dc], addrs, pid)
			if err != nil {
				return err
			}
			r.gateways = append(r.gateways, gs)
		}
		return nil
	default:
		// An app container: a stand-in answers on the port its own health check probes and on the ports the
		// HTTP checks of its pod's services probe (the app is what serves them).
		r.appPods[pid] = true
		for _, t := range strList(obj(b["healthcheck"]), "test") {
			if strings.HasPrefix(t, "http://") {
				if err := r.apps.ensureIn(pid, "0.0.0.0:"+portOf(hostPortOfURL(t))); err != nil {
					return err
				}
			}
		}
		return r.serveChecks(pid)
	}
}

func files2docs[T any](files []T, doc func(T) map[string]interface{}) []map[string]interface{} {
	var out []map[string]interface{}
	for _, f := range files {
		if d := doc(f); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// olderAgent adapts an agent's uploaded configuration for an older Consul than the library supports, only
// through the explicit list below, and records every change (printed as notes):
//
//   - acl.tokens.config_file_service_registration (added after 1.14; a 1.14 agent refuses the key): removed,
//     and the same token written as the `token` of each service definition uploaded beside it, which is how
//     a 1.14 agent registers a config-file service with its own token.
func (r *podRunner) olderAgent(cname string, docs []map[string]interface{}, regToken string) {
	if !strings.HasPrefix(r.version, "1.14.") || regToken == "" {
		return
	}
	for _, d := range docs {
		if tokens := obj(obj(d["acl"])["tokens"]); tokens != nil {
			if _, ok := tokens["config_file_service_registration"]; ok {
				delete(tokens, "config_file_service_registration")
				r.stripped = append(r.stripped, cname+": acl.tokens.config_file_service_registration (added after 1.14) moved to each service's token")
			}
		}
		if svc := obj(d["service"]); svc != nil {
			svc["token"] = regToken
		}
	}
}

// serveChecks starts app stand-ins for the HTTP checks of the services of pod pid, once the pod has an app
// container (a pod without one has nothing to answer them, and its checks fail as they would in Docker).
func (r *podRunner) serveChecks(pid int) error {
	if !r.appPods[pid] {
		return nil
	}
	for _, ag := range r.agents {
		if r.holderOf(ag.Address) != pid {
			continue
		}
		for _, def := range ag.Services {
			for _, ch := range list(def, "checks") {
				if u := str(obj(ch), "http"); u != "" {
					if err := r.apps.ensureIn(pid, "0.0.0.0:"+portOf(hostPortOfURL(u))); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func portOf(hostport string) string {
	_, p, _ := net.SplitHostPort(hostport)
	return p
}

// holderOf: the namespace holder pid of a container by address (its pod's).
func (r *podRunner) holderOf(address string) int {
	n := r.podKeys[address]
	return r.holders[n]
}

// publish forwards hostAddr (this namespace's loopback) to target inside a pod, as docker-proxy does.
func (r *podRunner) publish(hostAddr, target string) error {
	l, err := net.Listen("tcp", hostAddr)
	if err != nil {
		return fmt.Errorf("publishing %s: %v", hostAddr, err)
	}
	r.closers = append(r.closers, l)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := dialFrom(0, target)
				if err != nil {
					return
				}
				defer up.Close()
				pipe(c, up)
			}()
		}
	}()
	return nil
}

// waitLabServer waits for a lab server (from its uploaded configuration) to lead with ACLs bootstrapped.
func (r *podRunner) waitLabServer(cname string, cfg map[string]interface{}, pid int, log string) error {
	addr := str(cfg, "advertise_addr")
	if addr == "" {
		addr = str(cfg, "bind_addr")
	}
	http := 8500
	tls := 8503
	if p := obj(cfg["ports"]); p != nil {
		if v := intOf(p["http"]); v > 0 {
			http = v
		}
		if v := intOf(p["grpc_tls"]); v > 0 {
			tls = v
		}
	}
	s := &server{C: &cluster{Datacenter: str(cfg, "datacenter")}, HTTP: net.JoinHostPort(addr, strconv.Itoa(http)),
		GRPCTLS: net.JoinHostPort(addr, strconv.Itoa(tls)), MgmtTok: r.mgmt, LogFile: log}
	var err error
	if s.Client, err = s.clientWithToken(r.mgmt); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if leader, err := s.Client.Status().Leader(); err == nil && leader != "" {
			if _, _, err := s.Client.ACL().TokenReadSelf(nil); err == nil {
				if roots, _, err := s.Client.Connect().CARoots(nil); err == nil && roots.TrustDomain != "" {
					s.TrustDom = roots.TrustDomain
					r.labServers[s.C.Datacenter] = s
					return nil
				}
			}
		}
		if time.Now().After(deadline) || r.ctx.Err() != nil {
			return fmt.Errorf("lab server %s did not become ready in 60s:\n%s", cname, tail(log, 20))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitAgent waits until the client agent has joined (its node is in the catalog, from gossip) and synced
// every service of its configuration (which it can only do with the token it was given for them).
func (r *podRunner) waitAgent(ag *runAgent, srv *server) error {
	if srv == nil {
		return fmt.Errorf("agent %s: no server of datacenter %q runs", ag.Node, ag.Datacenter)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		node, _, err := srv.Client.Catalog().Node(ag.Node, nil)
		if err == nil && node != nil && node.Node != nil {
			missing := 0
			for _, def := range ag.Services {
				if _, ok := node.Services[serviceID(def)]; !ok {
					missing++
				}
			}
			if missing == 0 {
				return nil
			}
		}
		if time.Now().After(deadline) || r.ctx.Err() != nil {
			return fmt.Errorf("agent %s did not join %s with its services in 60s:\n%s", ag.Node, ag.Datacenter, tail(ag.Log, 25))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func serviceID(def map[string]interface{}) string {
	if id := str(def, "id"); id != "" {
		return id
	}
	return str(def, "name")
}

// checkPods: each agent is a member of its cluster; each registration in the catalog equals its definition;
// checks pass where stand-ins make it possible (gateway listeners, apps), sidecars' need Envoy.
func (r *podRunner) checkPods(rep *report, pr *podReport) {
	for _, ag := range r.agents {
		srv := r.labServers[ag.Datacenter]
		members, err := srv.Client.Agent().Members(false)
		joined := false
		for _, m := range members {
			if m.Name == ag.Node && m.Status == 1 {
				joined = true
			}
		}
		if err != nil || !joined {
			rep.problem("agent %s is not an alive member of %s (%v)", ag.Node, ag.Datacenter, err)
		} else {
			pr.Joined++
		}
		node, _, err := srv.Client.Catalog().Node(ag.Node, nil)
		if err != nil || node == nil {
			rep.problem("agent %s: catalog: %v", ag.Node, err)
			continue
		}
		for _, def := range ag.Services {
			svc := node.Services[serviceID(def)]
			var side *api.AgentService
			if obj(obj(def["connect"])["sidecar_service"]) != nil {
				side = node.Services[serviceID(def)+"-sidecar-proxy"]
			}
			if diffs := compareRegistration(def, svc, side); len(diffs) > 0 {
				rep.problem("registration %s on %s differs from its definition: %s", serviceID(def), ag.Node, strings.Join(diffs, "; "))
				continue
			}
			pr.Registrations++
		}
		// Checks run on their interval after a random stagger: wait until every check a stand-in can
		// satisfy has run (or 30 s), then count.
		var checks api.HealthChecks
		deadline := time.Now().Add(30 * time.Second)
		for {
			checks, _, _ = srv.Client.Health().Node(ag.Node, nil)
			pending := 0
			for _, c := range checks {
				if c.CheckID != "serfHealth" && !strings.Contains(c.ServiceName, "sidecar-proxy") && c.Status != api.HealthPassing {
					pending++
				}
			}
			if pending == 0 || time.Now().After(deadline) || r.ctx.Err() != nil {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		for _, c := range checks {
			if c.CheckID == "serfHealth" {
				continue
			}
			pr.Checks++
			if c.Status == api.HealthPassing {
				pr.Passing++
			} else if !strings.Contains(c.ServiceName, "sidecar-proxy") {
				rep.problem("check %q of %s on %s is %s: %s", c.Name, c.ServiceName, ag.Node, c.Status, strings.TrimSpace(c.Output))
			}
		}
	}
}

type podReport struct {
	Pods, Agents, Joined, Registrations, Bootstraps, Checks, Passing int
}
