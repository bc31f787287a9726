package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// ACL rule resources, from Consul's rule reference (website/content/docs/reference/acl/rule.mdx) and
// acl/policy.go. Labelled resources take `{"<label>": {"policy": ...}}`; unlabelled ones a disposition.
var (
	labelledACLResources = map[string]bool{
		"agent": true, "agent_prefix": true, "event": true, "event_prefix": true,
		"identity": true, "identity_prefix": true, "key": true, "key_prefix": true,
		"node": true, "node_prefix": true, "query": true, "query_prefix": true,
		"service": true, "service_prefix": true, "session": true, "session_prefix": true,
	}
	unlabelledACLResources = map[string]bool{"acl": true, "keyring": true, "mesh": true, "operator": true, "peering": true}
	// Enterprise scopes: partition blocks at top level; namespace blocks at top level or in a partition.
	partitionScopes = map[string]bool{"partition": true, "partition_prefix": true}
	namespaceScopes = map[string]bool{"namespace": true, "namespace_prefix": true}
	// Not inside a namespace block: partition-scoped (mesh, peering) or operator-only (operator, keyring).
	notInNamespace = map[string]bool{"mesh": true, "peering": true, "operator": true, "keyring": true}
	// Not inside a user-created namespace (anything but `namespace "default"`); node rules there are read-only.
	notInUserNamespace = map[string]bool{"event": true, "event_prefix": true, "query": true, "query_prefix": true}
)

type aclScope int

const (
	scopeTop aclScope = iota
	scopePartition
	scopeNamespace
)

// checkACLPolicy checks `rules` of one consul_acl_policy: JSON only (the library never writes HCL).
func checkACLPolicy(file, address string, res map[string]interface{}, opt options, probs *problems) {
	report := func(path, msg string) { probs.add(file, address, path, msg) }
	rules, ok := res["rules"].(string)
	if !ok {
		report("rules", "missing or not a string")
		return
	}
	if strings.TrimSpace(rules) == "" {
		report("rules", "empty rule set")
		return
	}
	var doc interface{}
	if err := json.Unmarshal([]byte(rules), &doc); err != nil {
		switch {
		case hasInterpolation(rules) && strings.HasPrefix(strings.TrimSpace(rules), "${"):
			report("rules", "is a Terraform expression, not a JSON rule set; render AclPolicyDocument with JSON.stringify at synth so it can be checked")
		case !strings.HasPrefix(strings.TrimSpace(rules), "{"):
			report("rules", "is not JSON (HCL rules are not expected: AclPolicyDocument renders JSON): "+err.Error())
		default:
			report("rules", "not valid JSON: "+err.Error())
		}
		return
	}
	obj, isObject := doc.(map[string]interface{})
	if !isObject {
		report("rules", "an ACL rule set must be a JSON object")
		return
	}
	obj = checkInterpolations(file, address, "rules", obj, opt, probs).(map[string]interface{})
	checkACLBlock(obj, "rules", scopeTop, "", report)
}

func allACLResourceNames() []string {
	var names []string
	for _, m := range []map[string]bool{labelledACLResources, unlabelledACLResources, partitionScopes, namespaceScopes} {
		for k := range m {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}

// checkACLBlock checks one rule set: the document itself, or the body of a partition/namespace block.
// namespace is the label of the enclosing namespace block ("" for a namespace_prefix or no namespace).
func checkACLBlock(obj map[string]interface{}, path string, scope aclScope, namespace string, report reporter) {
	for _, k := range sortedKeys(obj) {
		p := pathKey(path, k)
		v := obj[k]
		switch {
		case k == "policy" && scope == scopeNamespace:
			checkDisposition(v, p, false, report) // namespace management: `namespace "x" { policy = "write" }`
		case unlabelledACLResources[k]:
			if scope == scopeNamespace && notInNamespace[k] {
				report(p, fmt.Sprintf("%q rules are not allowed inside a namespace block (partition-scoped or operator-only)", k))
				continue
			}
			checkDisposition(v, p, false, report)
		case labelledACLResources[k]:
			if scope == scopeNamespace && namespace != "default" && notInUserNamespace[k] {
				report(p, fmt.Sprintf("%q rules are not allowed inside a user-created namespace", k))
				continue
			}
			forEachACLLabel(v, p, report, func(label string, body map[string]interface{}, bp string) {
				checkACLRule(k, body, bp, scope == scopeNamespace && namespace != "default", report)
			})
		case partitionScopes[k]:
			if scope != scopeTop {
				report(p, fmt.Sprintf("%q blocks are only allowed at the top level of a rule set", k))
				continue
			}
			forEachACLLabel(v, p, report, func(label string, body map[string]interface{}, bp string) {
				checkACLBlock(body, bp, scopePartition, "", report)
			})
		case namespaceScopes[k]:
			if scope == scopeNamespace {
				report(p, fmt.Sprintf("%q blocks cannot be nested in a namespace block", k))
				continue
			}
			forEachACLLabel(v, p, report, func(label string, body map[string]interface{}, bp string) {
				ns := ""
				if k == "namespace" {
					ns = label
				}
				checkACLBlock(body, bp, scopeNamespace, ns, report)
			})
		default:
			report(p, fmt.Sprintf("unknown ACL resource %q%s", k, suggest(k, allACLResourceNames())))
		}
	}
}

// forEachACLLabel visits `{"<label>": body}` (or a list of such objects), where each body is an object
// or the list-wrapped form `[{...}]` that HCL's JSON syntax also produces.
func forEachACLLabel(v interface{}, path string, report reporter, visit func(label string, body map[string]interface{}, path string)) {
	var labelled []map[string]interface{}
	switch t := v.(type) {
	case map[string]interface{}:
		labelled = append(labelled, t)
	case []interface{}:
		for i, e := range t {
			m, ok := e.(map[string]interface{})
			if !ok {
				report(pathIndex(path, i), "must be an object keyed by label")
				continue
			}
			labelled = append(labelled, m)
		}
	default:
		report(path, "must be an object keyed by label, e.g. {\"web\": {\"policy\": \"read\"}}")
		return
	}
	for _, m := range labelled {
		for _, label := range sortedKeys(m) {
			lp := pathKey(path, label)
			switch body := m[label].(type) {
			case map[string]interface{}:
				visit(label, body, lp)
			case []interface{}:
				for i, e := range body {
					b, ok := e.(map[string]interface{})
					if !ok {
						report(pathIndex(lp, i), "a rule body must be an object")
						continue
					}
					visit(label, b, pathIndex(lp, i))
				}
			default:
				report(lp, "a rule body must be an object, e.g. {\"policy\": \"read\"}")
			}
		}
	}
}

// checkACLRule checks the body of a labelled rule: `policy` (required) and, for service rules, `intentions`.
func checkACLRule(resource string, body map[string]interface{}, path string, userNamespace bool, report reporter) {
	allowList := resource == "key" || resource == "key_prefix"
	isService := resource == "service" || resource == "service_prefix"
	if _, ok := body["policy"]; !ok {
		report(path, fmt.Sprintf("a %q rule needs \"policy\"", resource))
	}
	for _, k := range sortedKeys(body) {
		p := pathKey(path, k)
		switch {
		case k == "policy":
			checkDisposition(body[k], p, allowList, report)
			if userNamespace && (resource == "node" || resource == "node_prefix") && body[k] == "write" {
				report(p, "node rules inside a user-created namespace cannot grant write")
			}
		case k == "intentions" && isService:
			checkDisposition(body[k], p, false, report)
		case k == "intentions":
			report(p, fmt.Sprintf("\"intentions\" is only valid on service and service_prefix rules, not on %q", resource))
		default:
			valid := []string{"policy"}
			if isService {
				valid = append(valid, "intentions")
			}
			report(p, fmt.Sprintf("unknown key %q in a %q rule%s", k, resource, suggestOrList(k, valid)))
		}
	}
}

// checkDisposition checks a policy value: read, write, deny (and list on key rules).
func checkDisposition(v interface{}, path string, allowList bool, report reporter) {
	s, ok := v.(string)
	valid := "read, write, deny"
	if allowList {
		valid = "read, write, list, deny"
	}
	if !ok {
		report(path, "must be a string: one of "+valid)
		return
	}
	switch s {
	case "read", "write", "deny":
	case "list":
		if !allowList {
			report(path, "\"list\" is only valid on key and key_prefix rules")
		}
	default:
		report(path, fmt.Sprintf("%q is not a policy disposition: one of %s", s, valid))
	}
}
