package main

// The synthesized stack as the live tier sees it: Consul providers (one cluster each), every resource
// and data source as a node of a dependency graph built from `${...}` references and `depends_on`, and
// Terraform-style interpolation of the values each applied node produced.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// cluster is one Consul datacenter, named by `consul` provider blocks: one server is started for each.
// Stacks applied together share it: every provider block of any stack that names its datacenter refers to
// the same cluster (and so the same server), whatever its alias.
type cluster struct {
	Alias      string // provider alias ("" for the default provider)
	Datacenter string
	Address    string // as written in the provider block
	TokenExpr  string // the provider's token expression, e.g. "${var.dc1_token}"
	Partition  string // provider-level default partition, if any
}

// ref is the provider reference of a resource: "consul.dc1" -> alias dc1.
func (c *cluster) ref() string {
	if c.Alias == "" {
		return "consul"
	}
	return "consul." + c.Alias
}

// node is one resource or data source of the stack.
type node struct {
	Address string                 // "consul_acl_policy.X" or "data.consul_acl_token_secret_id.X"
	Type    string                 // "consul_acl_policy"
	Data    bool                   // a data source
	Body    map[string]interface{} // the block, "//" metadata removed
	Deps    []string               // addresses this node depends on (sorted, unique)
	Cluster *cluster               // for consul_* nodes: the provider's cluster
	// Attrs are the attributes this node produced once applied (id, accessor_id, secret_id, name,
	// peering_token, outputs.<name> of a remote state...), read by interpolation in later nodes.
	Attrs map[string]string
	// Remote is, for a data.terraform_remote_state, the earlier stack whose state it reads (remote.go).
	Remote *stack
}

type stack struct {
	File      string
	Name      string // the cdktf stack name: the directory cdk.tf.json is in (cdktf.out/stacks/<name>)
	Dir       string // absolute; the stack's working directory, where Terraform resolves relative paths
	Clusters  []*cluster
	Variables map[string]map[string]interface{}
	Nodes     map[string]*node
	Order     []*node // dependency order, ties broken by address (deterministic)
	// Backend is the `terraform.backend` block: its type ("local", "s3", ...; "" when none) and config.
	Backend       string
	BackendConfig map[string]interface{}
	// Outputs are the `output` blocks (value expressions, unresolved); OutputValues their values once the
	// stack is applied. Values are never printed: cross-stack outputs are sensitive.
	Outputs      map[string]map[string]interface{}
	OutputValues map[string]string
	// Prefix is prepended to resource addresses in messages when several stacks are applied together.
	Prefix string
	Notes  []string
}

// display names a node in messages: its address, after the stack name when several stacks are applied.
func (s *stack) display(address string) string { return s.Prefix + address }

var refRe = regexp.MustCompile(`\$\{([^}]*)\}`)

// builtinRoots start expressions that name no resource (`${var.x}`, `${terraform.workspace}`, ...).
var builtinRoots = map[string]bool{"var": true, "local": true, "terraform": true, "path": true, "self": true, "count": true, "each": true}

// referencedAddresses returns the resource/data addresses an interpolation expression names.
func referencedAddresses(expr string) []string {
	parts := strings.Split(strings.TrimSpace(expr), ".")
	switch {
	case len(parts) >= 3 && parts[0] == "data":
		return []string{strings.Join(parts[:3], ".")}
	case len(parts) >= 2 && !builtinRoots[parts[0]]:
		return []string{strings.Join(parts[:2], ".")}
	}
	return nil
}

func collectRefs(v interface{}, out map[string]bool) {
	switch t := v.(type) {
	case string:
		for _, m := range refRe.FindAllStringSubmatch(t, -1) {
			for _, a := range referencedAddresses(m[1]) {
				out[a] = true
			}
		}
	case []interface{}:
		for _, e := range t {
			collectRefs(e, out)
		}
	case map[string]interface{}:
		for k, e := range t {
			if k == "depends_on" {
				if list, ok := e.([]interface{}); ok {
					for _, d := range list {
						if s, ok := d.(string); ok {
							out[s] = true
						}
					}
				}
				continue
			}
			collectRefs(e, out)
		}
	}
}

// loadStack reads one synthesized stack. dcs, when not nil, is shared by stacks applied together: a provider
// block whose datacenter is already in it refers to that cluster (the same server) instead of a new one.
func loadStack(file string, dcs map[string]*cluster) (*stack, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc map[string]interface{}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, err
	}
	s := &stack{File: file, Name: filepath.Base(dir), Dir: dir, Nodes: map[string]*node{}, Variables: map[string]map[string]interface{}{},
		Outputs: map[string]map[string]interface{}{}, OutputValues: map[string]string{}}
	if outs, ok := doc["output"].(map[string]interface{}); ok {
		for name, o := range outs {
			s.Outputs[name], _ = o.(map[string]interface{})
		}
	}
	if backends := obj(obj(doc["terraform"])["backend"]); backends != nil {
		for typ, cfg := range backends {
			s.Backend, s.BackendConfig = typ, obj(cfg)
		}
	}
	if vars, ok := doc["variable"].(map[string]interface{}); ok {
		for name, v := range vars {
			m, _ := v.(map[string]interface{})
			s.Variables[name] = m
		}
	}
	byRef := map[string]*cluster{}
	if providers, ok := doc["provider"].(map[string]interface{}); ok {
		if list, ok := providers["consul"].([]interface{}); ok {
			for _, p := range list {
				m, _ := p.(map[string]interface{})
				c := &cluster{}
				c.Alias, _ = m["alias"].(string)
				c.Datacenter, _ = m["datacenter"].(string)
				c.Address, _ = m["address"].(string)
				c.TokenExpr, _ = m["token"].(string)
				c.Partition, _ = m["partition"].(string)
				if c.Datacenter == "" {
					return nil, fmt.Errorf("%s: consul provider %q has no datacenter; the live tier needs one to name the server", file, c.Alias)
				}
				ref := c.ref()
				if c.TokenExpr != "" && !strings.HasPrefix(c.TokenExpr, "${var.") {
					return nil, fmt.Errorf("%s: provider %s: the live tier supplies operator tokens through variables only (token is %q)", file, ref, c.TokenExpr)
				}
				// Providers of one datacenter with different default partitions (Enterprise: such stacks are
				// skipped) keep clusters of their own.
				if shared := dcs[c.Datacenter]; shared != nil && shared.Partition == c.Partition {
					if shared.Address != c.Address {
						s.Notes = append(s.Notes, fmt.Sprintf("stack %s: provider %s (address %s) reaches the server of %s started for an earlier provider (address %s)", s.Name, ref, c.Address, c.Datacenter, shared.Address))
					}
					c = shared
				} else if dcs != nil && dcs[c.Datacenter] == nil {
					dcs[c.Datacenter] = c
				}
				byRef[ref] = c
				if !containsCluster(s.Clusters, c) {
					s.Clusters = append(s.Clusters, c)
				}
			}
		}
	}
	sort.Slice(s.Clusters, func(i, j int) bool { return s.Clusters[i].ref() < s.Clusters[j].ref() })
	add := func(prefix string, blocks map[string]interface{}, data bool) error {
		for typ, byName := range blocks {
			names, _ := byName.(map[string]interface{})
			for name, b := range names {
				body, _ := b.(map[string]interface{})
				clean := map[string]interface{}{}
				for k, v := range body {
					if k != "//" {
						clean[k] = v
					}
				}
				n := &node{Address: prefix + typ + "." + name, Type: typ, Data: data, Body: clean, Attrs: map[string]string{}}
				if strings.HasPrefix(typ, "consul_") {
					p, _ := clean["provider"].(string)
					if p == "" {
						p = "consul"
					}
					n.Cluster = byRef[p]
					if n.Cluster == nil {
						return fmt.Errorf("%s: %s uses provider %q, which the stack does not declare", file, n.Address, p)
					}
				}
				s.Nodes[n.Address] = n
			}
		}
		return nil
	}
	if r, ok := doc["resource"].(map[string]interface{}); ok {
		if err := add("", r, false); err != nil {
			return nil, err
		}
	}
	if d, ok := doc["data"].(map[string]interface{}); ok {
		if err := add("data.", d, true); err != nil {
			return nil, err
		}
	}
	for _, n := range s.Nodes {
		refs := map[string]bool{}
		collectRefs(n.Body, refs)
		for a := range refs {
			if _, ok := s.Nodes[a]; !ok {
				return nil, fmt.Errorf("%s: %s refers to %s, which the stack does not declare", file, n.Address, a)
			}
			n.Deps = append(n.Deps, a)
		}
		sort.Strings(n.Deps)
	}
	if err := s.sort(); err != nil {
		return nil, err
	}
	return s, nil
}

// sort (re)computes the dependency order, after nodes or dependencies were added.
func (s *stack) sort() error {
	order, err := topoSort(s.Nodes)
	if err != nil {
		return fmt.Errorf("%s: %v", s.File, err)
	}
	s.Order = order
	return nil
}

func containsCluster(l []*cluster, c *cluster) bool {
	for _, e := range l {
		if e == c {
			return true
		}
	}
	return false
}

// topoSort orders nodes so every node follows its dependencies; among ready nodes, by address.
func topoSort(nodes map[string]*node) ([]*node, error) {
	remaining := map[string]int{}
	dependents := map[string][]string{}
	for a, n := range nodes {
		remaining[a] = len(n.Deps)
		for _, d := range n.Deps {
			dependents[d] = append(dependents[d], a)
		}
	}
	var ready []string
	for a, c := range remaining {
		if c == 0 {
			ready = append(ready, a)
		}
	}
	var out []*node
	for len(ready) > 0 {
		sort.Strings(ready)
		a := ready[0]
		ready = ready[1:]
		out = append(out, nodes[a])
		for _, d := range dependents[a] {
			remaining[d]--
			if remaining[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	if len(out) != len(nodes) {
		return nil, fmt.Errorf("dependency cycle among %d nodes", len(nodes)-len(out))
	}
	return out, nil
}

// resolver replaces `${...}` expressions with the values applied nodes and variables produced.
type resolver struct {
	s    *stack
	vars map[string]string
}

func (r *resolver) expr(e string) (string, error) {
	e = strings.TrimSpace(e)
	parts := strings.Split(e, ".")
	if e == "terraform.workspace" {
		return "default", nil // the live tier applies every stack in the default workspace
	}
	if parts[0] == "var" && len(parts) == 2 {
		v, ok := r.vars[parts[1]]
		if !ok {
			return "", fmt.Errorf("variable %q has no value in the live tier", parts[1])
		}
		return v, nil
	}
	addrs := referencedAddresses(e)
	if len(addrs) != 1 {
		return "", fmt.Errorf("cannot resolve ${%s}", e)
	}
	n := r.s.Nodes[addrs[0]]
	attr := strings.TrimPrefix(e, addrs[0]+".")
	if n == nil || attr == e {
		return "", fmt.Errorf("cannot resolve ${%s}", e)
	}
	v, ok := n.Attrs[attr]
	if !ok && strings.HasPrefix(n.Type, "docker_") {
		// No Docker engine: container and image attributes (ids, image ids) only name things.
		return "docker:" + n.Address + "." + attr, nil
	}
	if !ok {
		return "", fmt.Errorf("${%s}: %s has no attribute %q after apply (the live applier does not produce it)", e, n.Address, attr)
	}
	return v, nil
}

func (r *resolver) str(s string) (string, error) {
	var firstErr error
	out := refRe.ReplaceAllStringFunc(s, func(m string) string {
		v, err := r.expr(m[2 : len(m)-1])
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	})
	return out, firstErr
}

// value resolves every string inside v (maps and lists are copied).
func (r *resolver) value(v interface{}) (interface{}, error) {
	switch t := v.(type) {
	case string:
		return r.str(t)
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, e := range t {
			x, err := r.value(e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case map[string]interface{}:
		out := map[string]interface{}{}
		for k, e := range t {
			if k == "depends_on" {
				continue
			}
			x, err := r.value(e)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	}
	return v, nil
}

// attribute helpers over a resolved body

func str(m map[string]interface{}, k string) string {
	s, _ := m[k].(string)
	return s
}

func list(m map[string]interface{}, k string) []interface{} {
	l, _ := m[k].([]interface{})
	return l
}

func obj(v interface{}) map[string]interface{} {
	m, _ := v.(map[string]interface{})
	return m
}

func strList(m map[string]interface{}, k string) []string {
	var out []string
	for _, e := range list(m, k) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
