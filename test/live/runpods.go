package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// runPods deploys the stacks in order with the pod runner for Docker resources and the applier for Consul
// resources, then runs the live tier's checks and the data plane's own.
func runPods(ctx context.Context, consulBin string, files []string, operatorRulesFile string, keep bool) int {
	fail := func(format string, args ...interface{}) int {
		fmt.Fprintf(os.Stderr, "live: "+format+"\n", args...)
		return 2
	}
	operatorRules, err := readOperatorRules(operatorRulesFile)
	if err != nil {
		return fail("%v", err)
	}
	var stacks []*stack
	for _, f := range files {
		s, err := loadStack(f, nil)
		if err != nil {
			return fail("%v", err)
		}
		if why := enterpriseOnly(s); why != "" {
			fmt.Printf("data plane live: skipped, %s: Consul 1.14 Community cannot run it\n", why)
			return 3
		}
		stacks = append(stacks, s)
	}
	version, err := consulVersion(consulBin)
	if err != nil {
		return fail("%v", err)
	}
	rep := &report{Version: version}
	if err := ipCmd("link", "set", "lo", "up"); err != nil {
		return fail("%v", err)
	}
	root, err := os.MkdirTemp("", "consul-pods-")
	if err != nil {
		return fail("%v", err)
	}
	mgmt := uuid()
	r := &podRunner{ctx: ctx, consul: consulBin, root: root, mgmt: mgmt, nets: map[string]*bridgeNet{}, version: rep.Version,
		holders: map[string]int{}, podKeys: map[string]string{}, appPods: map[int]bool{}, apps: &appStandIns{}, labServers: map[string]*server{}}
	defer func() {
		r.stop()
		if keep {
			fmt.Fprintf(os.Stderr, "live: kept %s\n", root)
		} else {
			os.RemoveAll(root)
		}
	}()

	var last *applier
	var links []peerLink
	start := time.Now()
	for _, s := range stacks {
		vars := map[string]string{}
		for name := range s.Variables {
			vars[name] = mgmt // the operators' tokens and the lab's management token: one management token
		}
		res := &resolver{s: s, vars: vars}
		for _, n := range s.Order {
			if n.Type == "docker_container" {
				r.podKeys[n.Address] = podKey(n.Address, n.Body)
			}
		}
		var a *applier
		if len(s.Clusters) > 0 {
			rep.Clusters += len(s.Clusters)
			servers := map[*cluster]*server{}
			for _, c := range s.Clusters {
				lab := r.labServers[c.Datacenter]
				if lab == nil {
					return fail("%s: no lab server of datacenter %q runs; deploy the stack that creates it first (the local lab's first stack)", s.File, c.Datacenter)
				}
				srv := *lab
				srv.C = c
				servers[c] = &srv
			}
			a = &applier{ctx: ctx, s: s, r: res, servers: servers, consul: consulBin, root: root, apps: r.apps, rep: rep,
				serviceTokens: map[string]string{}}
			if err := a.useOperatorTokens(operatorRules); err != nil {
				rep.problem("%v", err)
				break
			}
		}
		for _, n := range s.Order {
			if ctx.Err() != nil {
				rep.problem("stopped at %s: %v", n.Address, ctx.Err())
				break
			}
			b, err := res.value(n.Body)
			if err != nil {
				rep.problem("%s: %v", n.Address, err)
				break
			}
			body := b.(map[string]interface{})
			switch {
			case n.Type == "docker_network":
				err = r.network(n, body)
			case n.Type == "docker_container":
				err = r.container(n, body, r.podKeys[n.Address], r.labServers)
			case strings.HasPrefix(n.Type, "docker_"):
			case strings.HasPrefix(n.Type, "consul_"):
				if a == nil {
					err = fmt.Errorf("no consul provider for it")
				} else {
					err = a.applyConsul(n)
				}
			}
			if err != nil {
				rep.problem("%s: %v", n.Address, err)
				break
			}
		}
		if len(rep.Problems) > 0 {
			break
		}
		if a != nil {
			last = a
			l, err := peerLinks([]*stack{s})
			if err != nil {
				rep.problem("%v", err)
			}
			links = append(links, l...)
		}
	}
	pr := &podReport{Pods: len(r.holders), Agents: len(r.agents), Bootstraps: r.bootstraps}
	rep.Bootstraps = r.bootstraps
	if len(rep.Problems) == 0 && last != nil {
		for _, ag := range r.agents {
			var srv *server
			for _, c := range last.s.Clusters {
				if c.Datacenter == ag.Datacenter {
					srv = last.servers[c]
				}
			}
			if srv == nil {
				rep.problem("agent %s of datacenter %s: no cluster of the last stack has that datacenter", ag.Node, ag.Datacenter)
				continue
			}
			for _, def := range ag.Services {
				last.registered = append(last.registered, registration{srv, ag.Token, def})
				last.serviceTokens[clusterRefByDC(last, ag.Datacenter)+"/"+str(def, "name")] = ag.Token
			}
		}
		for _, g := range r.gateways {
			for _, c := range last.s.Clusters {
				if g.srv != nil && g.srv.C.Datacenter == c.Datacenter {
					g.srv = last.servers[c]
				}
			}
		}
		last.checkPeerings(links, 60*time.Second)
		last.checkImports(links, 60*time.Second)
		last.checkCalls(links)
		last.checkConvergence()
		last.checkGatewayPaths(r.gateways)
		r.checkPods(rep, pr)
		rep.Registrations = pr.Registrations
	}
	for _, s := range r.stripped {
		rep.Notes = append(rep.Notes, "stripped for Consul "+rep.Version+": "+s)
	}
	stripped := 0
	for _, n := range rep.Notes {
		if strings.HasPrefix(n, "stripped for Consul") {
			stripped++
		}
	}
	fmt.Println(rep.line())
	fmt.Printf("data plane live: %d pods, %d agents joined, %d registrations with own tokens, %d envoy bootstraps, peerings ACTIVE %d/%d (Envoy and Docker not run; %d keys stripped for 1.14)\n",
		pr.Pods, pr.Joined, pr.Registrations, pr.Bootstraps, rep.PeeringsActive, rep.Peerings, stripped)
	rep.Notes = append(rep.Notes,
		fmt.Sprintf("%d namespaces (pods and lab servers), %d client agents, checks passing %d/%d (sidecar listeners need Envoy), /consul/ paths mapped into container roots: %d, deployed in %.1fs", pr.Pods, pr.Agents, pr.Passing, pr.Checks, r.rewrites, time.Since(start).Seconds()))
	rep.printDetails(r.gateways)
	ok := rep.ok() && pr.Joined == pr.Agents && pr.Agents > 0 && last != nil
	if !ok {
		for _, l := range r.logs {
			if strings.HasSuffix(l, "consul.log") {
				fmt.Fprintf(os.Stderr, "--- %s (last 15 lines) ---\n%s\n", l, tail(l, 15))
			}
		}
		return 1
	}
	return 0
}

func clusterRefByDC(a *applier, dc string) string {
	for _, c := range a.s.Clusters {
		if c.Datacenter == dc {
			return c.ref()
		}
	}
	return ""
}
