package main

// Stacks applied together (apply mode with several -stack flags, in deployment order): cdktf hands a value
// from one stack to a later one as a cross-stack reference, an `output` of the earlier stack read by a
// `data.terraform_remote_state` of the later one (named `cross-stack-reference-input-<stack>`, reading
// `outputs.cross-stack-output-...`). The live tier evaluates each stack's outputs once it is applied and
// answers a later stack's remote state with them. Which stack a remote state reads is decided the way
// Terraform decides it: by the local backend's `path`, resolved against each stack's own working directory
// (the directory of its cdk.tf.json, where `cdktf deploy` and `terraform apply` run). When the path names no
// earlier stack's state but cdktf's name does, the reference is resolved by the name so the checks can go on,
// and the mismatch is a problem: Terraform would stop there with "Unable to find remote state".
// Output values are never printed (cross-stack outputs carry peering tokens and are sensitive).

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

const remoteStateType = "terraform_remote_state"

// crossStackInputPrefix is how cdktf names the remote state through which a stack reads another's outputs.
const crossStackInputPrefix = "cross-stack-reference-input-"

// statePath is where the stack's local backend writes its state, as Terraform resolves it in the stack's
// working directory ("" for another backend).
func (s *stack) statePath() string {
	switch s.Backend {
	case "", "local":
		p := str(s.BackendConfig, "path")
		if p == "" {
			p = "terraform.tfstate" // Terraform's default for the local backend
		}
		return absIn(s.Dir, p)
	}
	return ""
}

func absIn(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// linkRemoteStates decides, before anything starts, which earlier stack every remote state reads, and
// that every output read through it exists. It returns problems to report (a path that only cdktf's name
// resolves) and an error for what cannot be applied at all (no such stack, a stack later in the order, a
// missing output, a backend other than local).
func linkRemoteStates(stacks []*stack) ([]string, error) {
	var problems []string
	base := ""
	if len(stacks) > 0 {
		base = filepath.Dir(filepath.Dir(stacks[0].Dir)) // the cdktf output directory, for shorter messages
	}
	rel := func(p string) string {
		if r, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
		return p
	}
	for i, s := range stacks {
		for _, n := range s.Order {
			if n.Type != remoteStateType {
				continue
			}
			where := fmt.Sprintf("stack %s: %s", s.Name, n.Address)
			if b := str(n.Body, "backend"); b != "local" {
				return nil, fmt.Errorf("%s: backend %q: the live tier resolves remote state of the local backend only", where, b)
			}
			if ws := str(n.Body, "workspace"); ws != "" && ws != "default" && ws != "${terraform.workspace}" {
				return nil, fmt.Errorf("%s: workspace %q: the live tier applies every stack in the default workspace", where, ws)
			}
			p := str(obj(n.Body["config"]), "path")
			if p == "" {
				p = "terraform.tfstate"
			}
			reads := absIn(s.Dir, p)
			local := strings.TrimPrefix(n.Address, "data."+remoteStateType+".")
			named := "" // the stack cdktf's name for the remote state names, if it follows cdktf's naming
			if strings.HasPrefix(local, crossStackInputPrefix) {
				named = strings.TrimPrefix(local, crossStackInputPrefix)
			}
			var byPath, byName *stack
			for j, t := range stacks {
				if j == i {
					continue
				}
				if t.statePath() == reads {
					if j > i {
						return nil, fmt.Errorf("%s reads the state of stack %s (%s), which is applied after it: give the stacks in deployment order", where, t.Name, rel(reads))
					}
					byPath = t
				}
				if named != "" && t.Name == named {
					if j > i {
						return nil, fmt.Errorf("%s reads stack %s, which is applied after it: give the stacks in deployment order", where, t.Name)
					}
					byName = t
				}
			}
			switch {
			case byPath != nil:
				n.Remote = byPath
			case byName != nil:
				n.Remote = byName
				problems = append(problems, fmt.Sprintf("%s reads local state %s (path %q in %s's working directory), but stack %s writes its state to %s: Terraform would stop with \"Unable to find remote state\" (resolved here by cdktf's name %s%s to check the rest)",
					where, rel(reads), p, s.Name, byName.Name, rel(byName.statePath()), crossStackInputPrefix, byName.Name))
			default:
				return nil, fmt.Errorf("%s reads local state %s (path %q in %s's working directory): no earlier stack writes it, and its name names none", where, rel(reads), p, s.Name)
			}
		}
		// Every output read through a remote state must be one the earlier stack declares.
		for _, n := range s.Order {
			for _, ref := range remoteOutputRefs(n.Body) {
				rs := s.Nodes[ref.state]
				if rs == nil || rs.Remote == nil {
					continue // loadStack already refused an undeclared address
				}
				if _, ok := rs.Remote.Outputs[ref.output]; !ok {
					declared := "it declares no output"
					if len(rs.Remote.Outputs) > 0 {
						declared = "its outputs: " + strings.Join(sortedKeysOf(anyOutputs(rs.Remote.Outputs)), ", ")
					}
					return nil, fmt.Errorf("stack %s: %s reads output %q of stack %s through %s, which stack %s does not declare (%s)",
						s.Name, n.Address, ref.output, rs.Remote.Name, ref.state, rs.Remote.Name, declared)
				}
			}
		}
	}
	return problems, nil
}

type outputRef struct{ state, output string }

// remoteOutputRefs lists every `${data.terraform_remote_state.<name>.outputs.<output>...}` in v.
func remoteOutputRefs(v interface{}) []outputRef {
	var out []outputRef
	var walk func(v interface{})
	walk = func(v interface{}) {
		switch t := v.(type) {
		case string:
			for _, m := range refRe.FindAllStringSubmatch(t, -1) {
				parts := strings.Split(strings.TrimSpace(m[1]), ".")
				if len(parts) >= 5 && parts[0] == "data" && parts[1] == remoteStateType && parts[3] == "outputs" {
					out = append(out, outputRef{state: strings.Join(parts[:3], "."), output: parts[4]})
				}
			}
		case []interface{}:
			for _, e := range t {
				walk(e)
			}
		case map[string]interface{}:
			for k, e := range t {
				if k != "depends_on" {
					walk(e)
				}
			}
		}
	}
	walk(v)
	return out
}

func anyOutputs(m map[string]map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k := range m {
		out[k] = true
	}
	return out
}

// applyRemoteState answers a remote state data source with the outputs of the stack it reads, as
// `outputs.<name>` attributes.
func (a *applier) applyRemoteState(n *node) error {
	t := n.Remote
	if t == nil {
		return fmt.Errorf("no earlier stack linked to it")
	}
	for name := range t.Outputs {
		v, ok := t.OutputValues[name]
		if !ok {
			return fmt.Errorf("output %q of stack %s has no value (was the stack applied?)", name, t.Name)
		}
		n.Attrs["outputs."+name] = v
	}
	return nil
}

// evaluateOutputs resolves the stack's outputs once it is applied. Values are kept, never printed.
func (a *applier) evaluateOutputs() error {
	names := sortedKeysOf(anyOutputs(a.s.Outputs))
	sensitive := 0
	for _, name := range names {
		o := a.s.Outputs[name]
		v, err := a.r.value(o["value"])
		if err != nil {
			return fmt.Errorf("stack %s: output %q: %v", a.s.Name, name, err)
		}
		if s, ok := v.(string); ok {
			a.s.OutputValues[name] = s
		} else {
			raw, _ := json.Marshal(v)
			a.s.OutputValues[name] = string(raw)
		}
		if o["sensitive"] == true {
			sensitive++
		}
	}
	if len(names) > 0 {
		a.rep.Notes = append(a.rep.Notes, fmt.Sprintf("stack %s: %d outputs evaluated for later stacks (%d sensitive; values not printed)", a.s.Name, len(names), sensitive))
	}
	return nil
}

// tokenSource follows a consul_peering's peering_token expression to the consul_peering_token it comes from,
// in the same stack or, through a remote state and the output it reads, in an earlier one.
func tokenSource(s *stack, expr string) (*stack, *node) {
	for _, m := range refRe.FindAllStringSubmatch(expr, -1) {
		e := strings.TrimSpace(m[1])
		for _, addr := range referencedAddresses(e) {
			n := s.Nodes[addr]
			if n == nil {
				continue
			}
			if n.Type == "consul_peering_token" {
				return s, n
			}
			if n.Type == remoteStateType && n.Remote != nil {
				for _, ref := range remoteOutputRefs("${" + e + "}") {
					if o := n.Remote.Outputs[ref.output]; o != nil {
						if v, ok := o["value"].(string); ok {
							return tokenSource(n.Remote, v)
						}
					}
				}
			}
		}
	}
	return nil, nil
}

// remoteStateSummary names, for the notes, which stack each remote state read.
func remoteStateSummary(stacks []*stack) []string {
	var out []string
	for _, s := range stacks {
		for _, n := range s.Order {
			if n.Type == remoteStateType && n.Remote != nil {
				out = append(out, fmt.Sprintf("stack %s: %s reads the outputs of stack %s", s.Name, n.Address, n.Remote.Name))
			}
		}
	}
	sort.Strings(out)
	return out
}
