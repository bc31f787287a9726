// operator.go: applying with the Terraform operator's least-privilege token (README "The operator's own
// token"). With -operator-rules FILE, every stack's Consul resources are applied, and its data sources read,
// with a token whose one policy holds the rules the library derives for that stack's cluster
// (`ConsulCluster.operatorPolicyDocument()`), instead of with the management token. The policy and the token
// are created with the management token just before the stack is applied. A rule the document lacks makes
// the apply fail with Consul's "Permission denied" at the resource that needed it.
package main

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/consul/api"
)

// operatorRules is one cluster's document, as the jest side writes it (test/engine/consul-live.ts).
type operatorRules struct {
	Stack      string `json:"stack"`      // cdktf stack name
	Alias      string `json:"alias"`      // the cluster's consul provider alias in that stack
	Datacenter string `json:"datacenter"` // for messages
	Rules      string `json:"rules"`      // the rendered document (Consul's JSON rule form)
}

func readOperatorRules(file string) (map[string]operatorRules, error) {
	if file == "" {
		return nil, nil
	}
	var doc struct {
		Clusters []operatorRules `json:"clusters"`
	}
	if err := decodeJSONFile(file, &doc); err != nil {
		return nil, err
	}
	out := map[string]operatorRules{}
	for _, r := range doc.Clusters {
		out[operatorKey(r.Stack, r.Alias)] = r
	}
	return out, nil
}

func operatorKey(stack, alias string) string { return stack + "\x00" + alias }

var notPolicyNameChar = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// useOperatorTokens creates, for every cluster of the stack being applied that has rules, a policy and a
// token on the cluster's server (with the management token) and makes the applier use that token for the
// stack's Consul resources. Clusters without rules keep the management token; both are counted in the report.
func (a *applier) useOperatorTokens(rules map[string]operatorRules) error {
	if rules == nil {
		return nil
	}
	if a.operator == nil {
		a.operator = map[string]*api.Client{}
	}
	for _, c := range a.s.Clusters {
		a.rep.OperatorClusters++
		r, ok := rules[operatorKey(a.s.Name, c.Alias)]
		if !ok {
			continue
		}
		srv := a.servers[c]
		name := notPolicyNameChar.ReplaceAllString(fmt.Sprintf("terraform-operator-%s-%s", a.s.Name, c.Alias), "-")
		if _, _, err := srv.Client.ACL().PolicyCreate(&api.ACLPolicy{Name: name, Rules: r.Rules,
			Description: "operatorPolicyDocument() of " + r.Datacenter + " in stack " + a.s.Name}, nil); err != nil {
			return fmt.Errorf("creating the operator policy of %s in stack %s: %v (rules %s)", r.Datacenter, a.s.Name, err, r.Rules)
		}
		t, _, err := srv.Client.ACL().TokenCreate(&api.ACLToken{Description: "Terraform operator of " + r.Datacenter,
			Policies: []*api.ACLTokenPolicyLink{{Name: name}}}, nil)
		if err != nil {
			return fmt.Errorf("creating the operator token of %s in stack %s: %v", r.Datacenter, a.s.Name, err)
		}
		client, err := srv.clientWithToken(t.SecretID)
		if err != nil {
			return err
		}
		a.operator[operatorKey(a.s.Name, c.Alias)] = client
		a.rep.OperatorTokens++
	}
	return nil
}

// client is what the stack being applied talks to cluster c's server with: its operator token's client when
// -operator-rules gave one, else the management token's.
func (a *applier) client(c *cluster) *api.Client {
	if op := a.operator[operatorKey(a.s.Name, c.Alias)]; op != nil {
		return op
	}
	return a.servers[c].Client
}
