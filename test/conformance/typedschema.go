package main

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
)

// Most typed config-entry resources (consul_config_entry_<kind>) map their attributes one to one onto the
// API fields of their kind, and typed.go converts them generically. The provider's Decode of a few kinds
// restructures the attributes (a list of blocks becomes a map keyed by one of their attributes, durations
// are parsed from strings); for those the checker holds the provider's schema (terraform-provider-consul
// v2.22.1) and a converter that mirrors Decode, so the same strict decode into consul/api's type and the
// same semantic checks apply as for `consul_config_entry`'s config_json.

// tfKind is the Terraform type of one attribute of a provider schema.
type tfKind int

const (
	tfString tfKind = iota
	tfBool
	tfInt
	tfStringList
	tfStringMap
	tfBlocks // a TypeList or TypeSet of nested blocks
)

func (k tfKind) String() string {
	return [...]string{"a string", "a bool", "an integer", "a list of strings", "a map of strings", "a list of blocks"}[k]
}

// tfAttr is one attribute of a provider schema.
type tfAttr struct {
	kind     tfKind
	required bool
	// single marks a block the provider reads only when exactly one is given (it tests len == 1).
	single bool
	block  tfSchema
}

type tfSchema map[string]tfAttr

// schemaTypedEntry is what the checker knows about one typed config-entry resource type it converts by
// schema.
type schemaTypedEntry struct {
	kind   string
	schema tfSchema
	// check applies the provider's own parsing rules and its read-back convergence rules to the block.
	check func(block map[string]interface{}, report reporter)
	// toAPI returns the body the provider's Decode builds from the block, with API field names.
	toAPI func(block map[string]interface{}) map[string]interface{}
}

// schemaTypedEntries are the typed resources converted by schema, by Terraform resource type
// (checkTypedConfigEntries in typed.go dispatches them here).
var schemaTypedEntries = map[string]schemaTypedEntry{
	"consul_config_entry_service_resolver": {
		kind:   api.ServiceResolver,
		schema: serviceResolverSchema,
		check:  checkServiceResolverBlock,
		toAPI:  serviceResolverToAPI,
	},
}

// terraformMetaArguments may appear on any resource block; they are Terraform's, not the provider's.
var terraformMetaArguments = map[string]bool{
	"//": true, "provider": true, "depends_on": true, "count": true, "for_each": true, "lifecycle": true,
	"connection": true, "provisioner": true,
}

// scopingArguments may be Terraform references (to a consul_admin_partition or consul_namespace the
// stack creates): they are resource arguments, not document content.
var scopingArguments = map[string]bool{"partition": true, "namespace": true}

// checkSchemaTypedConfigEntry checks one block of a resource type in schemaTypedEntries.
func checkSchemaTypedConfigEntry(file, address string, res map[string]interface{}, te schemaTypedEntry, opt options, probs *problems) {
	report := func(path, msg string) { probs.add(file, address, path, msg) }
	before := len(probs.lines)

	body := map[string]interface{}{}
	for k, v := range res {
		if terraformMetaArguments[k] {
			continue
		}
		if scopingArguments[k] {
			if s, ok := v.(string); ok && hasInterpolation(s) {
				v = "interpolated" // a reference to a partition or namespace the stack creates
			}
		}
		body[k] = v
	}
	body = checkInterpolations(file, address, "", body, opt, probs).(map[string]interface{})

	checkTFBlock(te.schema, body, "", report)
	if len(probs.lines) > before {
		return // the provider would not get this far (terraform validate fails), so the rest would be noise
	}
	te.check(body, report)
	if len(probs.lines) > before {
		return
	}

	name, _ := body["name"].(string)
	entry, err := api.MakeConfigEntry(te.kind, name)
	if err != nil {
		report("", fmt.Sprintf("consul/api v1.32.1 cannot make a %q entry: %v", te.kind, err))
		return
	}
	converted := te.toAPI(body)
	for _, e := range strictDecode(converted, entry) {
		report("(as sent to Consul)", "strict decode into api."+reflect.TypeOf(entry).Elem().Name()+": "+e)
	}
	if len(probs.lines) > before {
		return
	}
	checkMeshGatewayModes(reflect.ValueOf(entry), "(as sent to Consul)", report)
	if e, ok := entry.(*api.ServiceResolverConfigEntry); ok {
		checkServiceResolverSemantics(e, "(as sent to Consul)", report)
	}
}

// checkTFBlock reports every attribute of obj that the schema does not have (with the closest name),
// every value of the wrong type, and every required attribute that is missing.
func checkTFBlock(schema tfSchema, obj map[string]interface{}, path string, report reporter) {
	names := make([]string, 0, len(schema))
	for n := range schema {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, k := range sortedKeys(obj) {
		p := pathKey(path, k)
		attr, ok := schema[k]
		if !ok {
			msg := fmt.Sprintf("unknown attribute %q", k)
			if squashed := strings.ToLower(strings.ReplaceAll(k, "_", "")); squashed != k {
				for _, n := range names {
					if strings.ReplaceAll(n, "_", "") == squashed {
						msg = fmt.Sprintf("attribute %q must be spelled %q (Terraform attributes are snake_case)", k, n)
					}
				}
			}
			if strings.HasPrefix(msg, "unknown") {
				msg += suggestOrList(k, names)
			}
			report(p, msg)
			continue
		}
		checkTFValue(attr, obj[k], p, report)
	}
	for _, n := range names {
		if _, present := obj[n]; schema[n].required && !present {
			report(pathKey(path, n), fmt.Sprintf("required attribute %q is missing", n))
		}
	}
}

func checkTFValue(attr tfAttr, v interface{}, path string, report reporter) {
	if v == nil {
		return // null: the same as leaving it out
	}
	wrong := func() { report(path, fmt.Sprintf("must be %s, got %s", attr.kind, jsonTypeName(v))) }
	switch attr.kind {
	case tfString:
		if _, ok := v.(string); !ok {
			wrong()
		}
	case tfBool:
		if _, ok := v.(bool); !ok {
			wrong()
		}
	case tfInt:
		f, ok := v.(float64)
		if !ok {
			wrong()
		} else if f != math.Trunc(f) {
			report(path, fmt.Sprintf("%v is not an integer", f))
		}
	case tfStringList:
		arr, ok := v.([]interface{})
		if !ok {
			wrong()
			return
		}
		for i, e := range arr {
			if _, isString := e.(string); !isString {
				report(pathIndex(path, i), "must be a string, got "+jsonTypeName(e))
			}
		}
	case tfStringMap:
		obj, ok := v.(map[string]interface{})
		if !ok {
			wrong()
			return
		}
		for _, k := range sortedKeys(obj) {
			if _, isString := obj[k].(string); !isString {
				report(pathKey(path, k), "must be a string, got "+jsonTypeName(obj[k]))
			}
		}
	case tfBlocks:
		blocks, ok := tfBlockList(v)
		if !ok {
			wrong()
			return
		}
		if attr.single && len(blocks) > 1 {
			report(path, fmt.Sprintf("has %d blocks; the provider reads this block only when there is exactly one, and ignores all of them otherwise", len(blocks)))
		}
		for i, b := range blocks {
			obj, isObject := b.(map[string]interface{})
			if !isObject {
				report(pathIndex(path, i), "must be a block (a JSON object), got "+jsonTypeName(b))
				continue
			}
			checkTFBlock(attr.block, obj, pathIndex(path, i), report)
		}
	}
}

// tfBlockList returns the blocks of a nested-block attribute: a JSON array (what cdktf writes), or one
// object (Terraform's JSON syntax also accepts a single block as an object).
func tfBlockList(v interface{}) ([]interface{}, bool) {
	switch t := v.(type) {
	case []interface{}:
		return t, true
	case map[string]interface{}:
		return []interface{}{t}, true
	}
	return nil, false
}

func jsonTypeName(v interface{}) string {
	switch v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return "a bool"
	case float64:
		return "a number"
	case []interface{}:
		return "a list"
	case map[string]interface{}:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// blocksOf returns the nested blocks of attribute k of obj (checked by checkTFBlock already).
func blocksOf(obj map[string]interface{}, k string) []map[string]interface{} {
	list, _ := tfBlockList(obj[k])
	var out []map[string]interface{}
	for _, b := range list {
		if m, ok := b.(map[string]interface{}); ok {
			out = append(out, m)
		}
	}
	return out
}

// copyStrings copies the string attributes named in fields (Terraform name -> API name) that obj sets.
func copyStrings(obj map[string]interface{}, out map[string]interface{}, fields map[string]string) {
	for tf, apiName := range fields {
		if s, ok := obj[tf].(string); ok && s != "" {
			out[apiName] = s
		}
	}
}

// checkGoDuration checks a duration attribute the provider parses with time.ParseDuration and whose
// read-back stores Duration.String(): it must be set, parse, and already be in that form.
func checkGoDuration(obj map[string]interface{}, attr, path string, required bool, report reporter) {
	p := pathKey(path, attr)
	s, _ := obj[attr].(string)
	if s == "" {
		if required {
			report(p, fmt.Sprintf("must be set: the provider parses %s with Go's time.ParseDuration, which fails on an empty string; write \"0s\" for Consul's default", attr))
		}
		return
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		report(p, fmt.Sprintf("%q is not a Go duration (the provider parses it with time.ParseDuration): %v", s, err))
		return
	}
	if d.String() != s {
		report(p, fmt.Sprintf("%q is stored back as %q after the provider reads the entry, so every plan shows a change; write %q", s, d.String(), d.String()))
	}
}

// serviceResolverSchema is consul_config_entry_service_resolver's schema in provider v2.22.1
// (consul/resource_consul_config_entry_service_resolver.go).
var serviceResolverSchema = tfSchema{
	"id":              {kind: tfString},
	"name":            {kind: tfString, required: true},
	"partition":       {kind: tfString},
	"namespace":       {kind: tfString},
	"meta":            {kind: tfStringMap},
	"connect_timeout": {kind: tfString},
	"request_timeout": {kind: tfString},
	"default_subset":  {kind: tfString},
	"subsets": {kind: tfBlocks, block: tfSchema{
		"name":         {kind: tfString, required: true},
		"filter":       {kind: tfString, required: true},
		"only_passing": {kind: tfBool, required: true},
	}},
	"redirect": {kind: tfBlocks, single: true, block: tfSchema{
		"service":        {kind: tfString},
		"service_subset": {kind: tfString},
		"namespace":      {kind: tfString},
		"partition":      {kind: tfString},
		"sameness_group": {kind: tfString},
		"datacenter":     {kind: tfString},
		"peer":           {kind: tfString},
	}},
	"failover": {kind: tfBlocks, block: tfSchema{
		"subset_name":    {kind: tfString, required: true},
		"service":        {kind: tfString},
		"service_subset": {kind: tfString},
		"namespace":      {kind: tfString},
		"sameness_group": {kind: tfString},
		"datacenters":    {kind: tfStringList},
		"targets": {kind: tfBlocks, block: tfSchema{
			"service":        {kind: tfString},
			"service_subset": {kind: tfString},
			"namespace":      {kind: tfString},
			"partition":      {kind: tfString},
			"datacenter":     {kind: tfString},
			"peer":           {kind: tfString},
		}},
	}},
	"load_balancer": {kind: tfBlocks, single: true, block: tfSchema{
		"policy":               {kind: tfString},
		"least_request_config": {kind: tfBlocks, single: true, block: tfSchema{"choice_count": {kind: tfInt}}},
		"ring_hash_config": {kind: tfBlocks, single: true, block: tfSchema{
			"minimum_ring_size": {kind: tfInt},
			"maximum_ring_size": {kind: tfInt},
		}},
		"hash_policies": {kind: tfBlocks, block: tfSchema{
			"field":       {kind: tfString},
			"field_value": {kind: tfString},
			"cookie_config": {kind: tfBlocks, single: true, block: tfSchema{
				"session": {kind: tfBool},
				"ttl":     {kind: tfString},
				"path":    {kind: tfString},
			}},
			"source_ip": {kind: tfBool},
			"terminal":  {kind: tfBool},
		}},
	}},
}

// checkServiceResolverBlock applies what the provider's Decode and Write do beyond the schema.
func checkServiceResolverBlock(b map[string]interface{}, report reporter) {
	checkGoDuration(b, "connect_timeout", "", true, report)
	checkGoDuration(b, "request_timeout", "", true, report)
	for i, lb := range blocksOf(b, "load_balancer") {
		for j, hp := range blocksOf(lb, "hash_policies") {
			for k, cc := range blocksOf(hp, "cookie_config") {
				checkGoDuration(cc, "ttl", pathIndex(pathKey(pathIndex(pathKey(pathIndex("load_balancer", i), "hash_policies"), j), "cookie_config"), k), true, report)
			}
		}
	}
	// subsets and failover become maps keyed by name in the API: a repeated key silently drops a block.
	for _, keyed := range []struct{ attr, key string }{{"subsets", "name"}, {"failover", "subset_name"}} {
		seen := map[string]bool{}
		for i, blk := range blocksOf(b, keyed.attr) {
			k, _ := blk[keyed.key].(string)
			if seen[k] {
				report(pathKey(pathIndex(keyed.attr, i), keyed.key), fmt.Sprintf("%q repeats an earlier %s block's %s; the provider keeps only one of them (the API holds a map keyed by it)", k, keyed.attr, keyed.key))
			}
			seen[k] = true
		}
	}
}

// serviceResolverToAPI mirrors the provider's serviceResolver.Decode.
func serviceResolverToAPI(b map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{"Kind": api.ServiceResolver}
	copyStrings(b, out, map[string]string{
		"name": "Name", "partition": "Partition", "namespace": "Namespace", "default_subset": "DefaultSubset",
		"connect_timeout": "ConnectTimeout", "request_timeout": "RequestTimeout",
	})
	if meta, ok := b["meta"].(map[string]interface{}); ok {
		out["Meta"] = meta
	}
	if subsets := blocksOf(b, "subsets"); len(subsets) > 0 {
		m := map[string]interface{}{}
		for _, s := range subsets {
			name, _ := s["name"].(string)
			subset := map[string]interface{}{}
			copyStrings(s, subset, map[string]string{"filter": "Filter"})
			if v, ok := s["only_passing"]; ok {
				subset["OnlyPassing"] = v
			}
			m[name] = subset
		}
		out["Subsets"] = m
	}
	if r := blocksOf(b, "redirect"); len(r) == 1 {
		redirect := map[string]interface{}{}
		copyStrings(r[0], redirect, map[string]string{
			"service": "Service", "service_subset": "ServiceSubset", "namespace": "Namespace", "partition": "Partition",
			"sameness_group": "SamenessGroup", "datacenter": "Datacenter", "peer": "Peer",
		})
		out["Redirect"] = redirect
	}
	if failovers := blocksOf(b, "failover"); len(failovers) > 0 {
		m := map[string]interface{}{}
		for _, f := range failovers {
			name, _ := f["subset_name"].(string)
			failover := map[string]interface{}{}
			copyStrings(f, failover, map[string]string{
				"service": "Service", "service_subset": "ServiceSubset", "namespace": "Namespace", "sameness_group": "SamenessGroup",
			})
			if dcs, ok := f["datacenters"].([]interface{}); ok && len(dcs) > 0 {
				failover["Datacenters"] = dcs
			}
			var targets []interface{}
			for _, t := range blocksOf(f, "targets") {
				target := map[string]interface{}{}
				copyStrings(t, target, map[string]string{
					"service": "Service", "service_subset": "ServiceSubset", "namespace": "Namespace", "partition": "Partition",
					"datacenter": "Datacenter", "peer": "Peer",
				})
				targets = append(targets, target)
			}
			if len(targets) > 0 {
				failover["Targets"] = targets
			}
			m[name] = failover
		}
		out["Failover"] = m
	}
	if lbs := blocksOf(b, "load_balancer"); len(lbs) == 1 {
		lb := map[string]interface{}{}
		copyStrings(lbs[0], lb, map[string]string{"policy": "Policy"})
		if c := blocksOf(lbs[0], "least_request_config"); len(c) == 1 {
			lrc := map[string]interface{}{}
			if v, ok := c[0]["choice_count"]; ok {
				lrc["ChoiceCount"] = v
			}
			lb["LeastRequestConfig"] = lrc
		}
		if c := blocksOf(lbs[0], "ring_hash_config"); len(c) == 1 {
			rhc := map[string]interface{}{}
			for tf, apiName := range map[string]string{"minimum_ring_size": "MinimumRingSize", "maximum_ring_size": "MaximumRingSize"} {
				if v, ok := c[0][tf]; ok {
					rhc[apiName] = v
				}
			}
			lb["RingHashConfig"] = rhc
		}
		var policies []interface{}
		for _, hp := range blocksOf(lbs[0], "hash_policies") {
			policy := map[string]interface{}{}
			copyStrings(hp, policy, map[string]string{"field": "Field", "field_value": "FieldValue"})
			for tf, apiName := range map[string]string{"source_ip": "SourceIP", "terminal": "Terminal"} {
				if v, ok := hp[tf]; ok {
					policy[apiName] = v
				}
			}
			if c := blocksOf(hp, "cookie_config"); len(c) == 1 {
				cookie := map[string]interface{}{}
				copyStrings(c[0], cookie, map[string]string{"path": "Path", "ttl": "TTL"})
				if v, ok := c[0]["session"]; ok {
					cookie["Session"] = v
				}
				policy["CookieConfig"] = cookie
			}
			policies = append(policies, policy)
		}
		if len(policies) > 0 {
			lb["HashPolicies"] = policies
		}
		out["LoadBalancer"] = lb
	}
	return out
}

// validServiceSubset is Consul's rule for subset names (agent/structs: validateServiceSubset).
func validServiceSubset(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, c := range s {
		alnum := (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
		if !alnum && (c != '-' || i == 0 || i == len(s)-1) {
			return false
		}
	}
	return true
}

// checkServiceResolverSemantics applies the server's ServiceResolverConfigEntry.Validate rules that a
// decode cannot see (agent/structs/config_entry_discoverychain.go, plus the SamenessGroup rules of
// 1.16+), for either form of the entry.
func checkServiceResolverSemantics(e *api.ServiceResolverConfigEntry, base string, report reporter) {
	isSubset := func(s string) bool { _, ok := e.Subsets[s]; return ok }
	for _, name := range sortedStringKeys(e.Subsets) {
		if !validServiceSubset(name) {
			report(pathKey(pathKey(base, "Subsets"), name), fmt.Sprintf("subset name %q must be a lower-case DNS label of at most 63 characters", name))
		}
	}
	if e.DefaultSubset != "" && !isSubset(e.DefaultSubset) {
		report(pathKey(base, "DefaultSubset"), fmt.Sprintf("%q is not a subset of the resolver", e.DefaultSubset))
	}
	if e.ConnectTimeout < 0 {
		report(pathKey(base, "ConnectTimeout"), fmt.Sprintf("%s must be >= 0", e.ConnectTimeout))
	}
	if e.Redirect != nil && len(e.Failover) > 0 {
		report(base, "Redirect and Failover cannot both be set")
	}
	if r := e.Redirect; r != nil {
		rp := pathKey(base, "Redirect")
		switch {
		case *r == (api.ServiceResolverRedirect{}):
			report(rp, "Redirect is empty")
		case r.Peer != "" && r.ServiceSubset != "":
			report(rp, "Peer cannot be set with ServiceSubset")
		case r.Peer != "" && r.Partition != "":
			report(rp, "Partition cannot be set with Peer")
		case r.Peer != "" && r.Datacenter != "":
			report(rp, "Peer cannot be set with Datacenter")
		case r.SamenessGroup != "" && (r.ServiceSubset != "" || r.Partition != "" || r.Datacenter != ""):
			report(rp, "SamenessGroup cannot be set with ServiceSubset, Partition or Datacenter")
		}
	}
	for _, subset := range sortedStringKeys(e.Failover) {
		f := e.Failover[subset]
		fp := pathKey(pathKey(base, "Failover"), subset)
		if subset != "*" && !isSubset(subset) {
			report(fp, fmt.Sprintf("%q is neither \"*\" nor a subset of the resolver", subset))
		}
		if f.Service == "" && f.ServiceSubset == "" && f.Namespace == "" && len(f.Datacenters) == 0 && len(f.Targets) == 0 && f.SamenessGroup == "" {
			report(fp, "one of Service, ServiceSubset, Namespace, Targets, SamenessGroup or Datacenters is required")
		}
		if f.SamenessGroup != "" && (len(f.Targets) > 0 || len(f.Datacenters) > 0 || f.ServiceSubset != "") {
			report(fp, "SamenessGroup cannot be set with Targets, Datacenters or ServiceSubset")
		}
		if len(f.Targets) > 0 && (len(f.Datacenters) > 0 || f.Service != "" || f.ServiceSubset != "") {
			report(fp, "Targets cannot be set with Datacenters, Service or ServiceSubset")
		}
		for i, dc := range f.Datacenters {
			if dc == "" {
				report(pathIndex(pathKey(fp, "Datacenters"), i), "empty datacenter")
			}
		}
		for i, t := range f.Targets {
			tp := pathIndex(pathKey(fp, "Targets"), i)
			switch {
			case t == (api.ServiceResolverFailoverTarget{}):
				report(tp, "an empty target fails over to the service itself")
			case t.Peer != "" && t.ServiceSubset != "":
				report(tp, "Peer cannot be set with ServiceSubset")
			case t.Peer != "" && t.Partition != "":
				report(tp, "Partition cannot be set with Peer")
			case t.Peer != "" && t.Datacenter != "":
				report(tp, "Peer cannot be set with Datacenter")
			case t.Partition != "" && t.Datacenter != "":
				report(tp, "Partition cannot be set with Datacenter")
			case t.ServiceSubset != "" && (t.Service == "" || t.Service == e.Name) && !isSubset(t.ServiceSubset):
				report(tp, fmt.Sprintf("ServiceSubset %q is not a subset of %q", t.ServiceSubset, e.Name))
			}
		}
	}
}

// checkSamenessGroupSemantics applies the rules of the sameness-group reference: members are required,
// each names exactly one partition or peer, none twice, no wildcards.
func checkSamenessGroupSemantics(e *api.SamenessGroupConfigEntry, base string, report reporter) {
	mp := pathKey(base, "Members")
	if len(e.Members) == 0 {
		report(mp, "a sameness group needs at least one member")
	}
	seen := map[api.SamenessGroupMember]bool{}
	for i, m := range e.Members {
		p := pathIndex(mp, i)
		if (m.Partition == "") == (m.Peer == "") {
			report(p, "a member must set exactly one of Partition, Peer")
			continue
		}
		if m.Partition == "*" || m.Peer == "*" {
			report(p, "wildcard members are not supported")
		}
		if seen[m] {
			report(p, "is listed twice")
		}
		seen[m] = true
	}
}

func sortedStringKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
