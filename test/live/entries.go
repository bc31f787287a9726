package main

// Config entries the way hashicorp/consul provider v2.22.1 writes, reads and diffs them, so that
// "converged" here means what it means to a second `terraform plan`:
//
//   - consul_config_entry (consul/resource_consul_config_entry.go): the state's config_json is the
//     server's entry decoded into the api struct and marshalled again, minus CreateIndex, ModifyIndex,
//     Kind, Name, Namespace and Partition; the plan compares it with ours through diffConfigJSON, which
//     decodes both with api.DecodeConfigEntry (after setting kind, name, namespace and partition) and
//     compares with reflect.DeepEqual. The same functions are reproduced here and applied to the same inputs.
//   - typed entries (consul/resource_consul_config_entry_concrete.go and one file per kind): Decode turns
//     the resource's attributes into the api struct; after apply, Read runs the kind's Write over the
//     server's entry to fill the state, and the plan compares each configured attribute with the state.
//     Write is reproduced below for the attributes this library writes; an attribute outside that list is
//     an error here, so the check never silently covers less than the resource says.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	consulapi "github.com/hashicorp/consul/api"
)

func makeConfigEntry(kind, name, config, namespace, partition string) (consulapi.ConfigEntry, error) {
	var configMap map[string]interface{}
	if err := json.Unmarshal([]byte(config), &configMap); err != nil {
		return nil, fmt.Errorf("failed to unmarshal configMap: %v", err)
	}
	switch kind {
	case consulapi.HTTPRoute, consulapi.TCPRoute, consulapi.APIGateway:
		delete(configMap, "Status")
	}
	configMap["kind"] = kind
	configMap["name"] = name
	configMap["Namespace"] = namespace
	configMap["Partition"] = partition
	return consulapi.DecodeConfigEntry(configMap)
}

// stateConfigJSON is what the provider stores as config_json after reading the entry back.
func stateConfigJSON(entry consulapi.ConfigEntry) (string, error) {
	marshalled, err := json.Marshal(entry)
	if err != nil {
		return "", err
	}
	var m map[string]interface{}
	if err := json.Unmarshal(marshalled, &m); err != nil {
		return "", err
	}
	for _, k := range []string{"CreateIndex", "ModifyIndex", "Kind", "Name", "Namespace", "Partition"} {
		delete(m, k)
	}
	out, err := json.Marshal(m)
	return string(out), err
}

// convergedConfigJSON applies diffConfigJSON to (state, ours); on a difference it returns both JSONs.
func convergedConfigJSON(kind, name, namespace, partition, ours string, server consulapi.ConfigEntry) (bool, string, error) {
	state, err := stateConfigJSON(server)
	if err != nil {
		return false, "", err
	}
	oldEntry, err := makeConfigEntry(kind, name, state, namespace, partition)
	if err != nil {
		return false, "", err
	}
	newEntry, err := makeConfigEntry(kind, name, ours, namespace, partition)
	if err != nil {
		return false, "", err
	}
	if reflect.DeepEqual(oldEntry, newEntry) {
		return true, "", nil
	}
	return false, fmt.Sprintf("server echoes %s, we render %s", state, ours), nil
}

// typedEntry is one typed config-entry resource: the provider's Decode, and its Write as a state map.
type typedEntry struct {
	attrs  []string // attributes of the resource this reproduction covers
	decode func(b map[string]interface{}) (consulapi.ConfigEntry, error)
	state  func(e consulapi.ConfigEntry) map[string]interface{}
}

var serviceDefaultsAttrs = []string{"name", "partition", "namespace", "meta", "protocol", "expose", "mesh_gateway", "mode",
	"transparent_proxy", "balance_inbound_connections", "external_sni", "mutual_tls_mode",
	"local_connect_timeout_ms", "local_request_timeout_ms", "max_inbound_connections"}

var serviceIntentionsAttrs = []string{"name", "partition", "namespace", "meta", "sources"}

// serviceResolverAttrs: every attribute of consul_config_entry_service_resolver but load_balancer.
var serviceResolverAttrs = []string{"name", "partition", "namespace", "meta", "connect_timeout", "request_timeout", "subsets",
	"default_subset", "redirect", "failover"}

var (
	resolverRedirectKeys = []string{"service", "service_subset", "namespace", "partition", "sameness_group", "datacenter", "peer"}
	resolverFailoverKeys = []string{"subset_name", "service", "service_subset", "namespace", "sameness_group", "datacenters", "targets"}
	resolverTargetKeys   = []string{"service", "service_subset", "namespace", "partition", "datacenter", "peer"}
)

var typedEntries = map[string]*typedEntry{
	"consul_config_entry_service_defaults": {
		attrs: serviceDefaultsAttrs,
		decode: func(b map[string]interface{}) (consulapi.ConfigEntry, error) {
			if err := onlyAttrs("consul_config_entry_service_defaults", b, serviceDefaultsAttrs); err != nil {
				return nil, err
			}
			e := &consulapi.ServiceConfigEntry{Kind: consulapi.ServiceDefaults, Name: str(b, "name"),
				Partition: str(b, "partition"), Namespace: str(b, "namespace"), Meta: strMap(b["meta"]),
				Protocol: str(b, "protocol"), BalanceInboundConnections: str(b, "balance_inbound_connections"),
				Mode: consulapi.ProxyMode(str(b, "mode")), ExternalSNI: str(b, "external_sni"),
				MutualTLSMode:         consulapi.MutualTLSMode(str(b, "mutual_tls_mode")),
				LocalConnectTimeoutMs: intOf(b["local_connect_timeout_ms"]), LocalRequestTimeoutMs: intOf(b["local_request_timeout_ms"]),
				MaxInboundConnections: intOf(b["max_inbound_connections"])}
			for _, x := range list(b, "expose") {
				m := obj(x)
				e.Expose.Checks = m["checks"] == true
				for _, p := range list(m, "paths") {
					pm := obj(p)
					e.Expose.Paths = append(e.Expose.Paths, consulapi.ExposePath{Path: str(pm, "path"), LocalPathPort: intOf(pm["local_path_port"]),
						ListenerPort: intOf(pm["listener_port"]), Protocol: str(pm, "protocol")})
				}
			}
			for _, x := range list(b, "mesh_gateway") {
				e.MeshGateway.Mode = consulapi.MeshGatewayMode(str(obj(x), "mode"))
			}
			for _, x := range list(b, "transparent_proxy") {
				m := obj(x)
				e.TransparentProxy = &consulapi.TransparentProxyConfig{OutboundListenerPort: intOf(m["outbound_listener_port"]), DialedDirectly: m["dialed_directly"] == true}
			}
			return e, nil
		},
		state: func(ce consulapi.ConfigEntry) map[string]interface{} {
			sd := ce.(*consulapi.ServiceConfigEntry)
			tp := consulapi.TransparentProxyConfig{}
			if sd.TransparentProxy != nil {
				tp = *sd.TransparentProxy
			}
			var paths []interface{}
			for _, p := range sd.Expose.Paths {
				paths = append(paths, map[string]interface{}{"path": p.Path, "local_path_port": p.LocalPathPort, "listener_port": p.ListenerPort, "protocol": p.Protocol})
			}
			return map[string]interface{}{
				"name": sd.Name, "partition": sd.Partition, "namespace": sd.Namespace, "meta": anyMap(sd.Meta),
				"protocol": sd.Protocol, "balance_inbound_connections": sd.BalanceInboundConnections, "mode": string(sd.Mode),
				"transparent_proxy":        []interface{}{map[string]interface{}{"outbound_listener_port": tp.OutboundListenerPort, "dialed_directly": tp.DialedDirectly}},
				"mutual_tls_mode":          string(sd.MutualTLSMode),
				"local_connect_timeout_ms": sd.LocalConnectTimeoutMs, "max_inbound_connections": sd.MaxInboundConnections,
				"local_request_timeout_ms": sd.LocalRequestTimeoutMs,
				"mesh_gateway":             []interface{}{map[string]interface{}{"mode": string(sd.MeshGateway.Mode)}},
				"external_sni":             sd.ExternalSNI,
				"expose":                   []interface{}{map[string]interface{}{"checks": sd.Expose.Checks, "paths": paths}},
			}
		},
	},
	"consul_config_entry_service_intentions": {
		attrs: serviceIntentionsAttrs,
		decode: func(b map[string]interface{}) (consulapi.ConfigEntry, error) {
			if err := onlyAttrs("consul_config_entry_service_intentions", b, serviceIntentionsAttrs); err != nil {
				return nil, err
			}
			e := &consulapi.ServiceIntentionsConfigEntry{Kind: consulapi.ServiceIntentions, Name: str(b, "name"),
				Partition: str(b, "partition"), Namespace: str(b, "namespace"), Meta: strMap(b["meta"])}
			if e.Meta == nil {
				e.Meta = map[string]string{}
			}
			for _, x := range list(b, "sources") {
				m := obj(x)
				for _, k := range sortedKeysOf(m) {
					switch k {
					case "name", "peer", "namespace", "partition", "sameness_group", "action", "precedence", "type", "description":
					default:
						return nil, fmt.Errorf("the live applier does not map sources.%s", k)
					}
				}
				src := &consulapi.SourceIntention{Name: str(m, "name"), Peer: str(m, "peer"), Namespace: str(m, "namespace"),
					Partition: str(m, "partition"), SamenessGroup: str(m, "sameness_group"), Precedence: intOf(m["precedence"]),
					Description: str(m, "description"), Type: consulapi.IntentionSourceType("consul")}
				if t := str(m, "type"); t != "" {
					src.Type = consulapi.IntentionSourceType(t)
				}
				switch str(m, "action") {
				case "allow":
					src.Action = consulapi.IntentionActionAllow
				case "deny":
					src.Action = consulapi.IntentionActionDeny
				}
				e.Sources = append(e.Sources, src)
			}
			return e, nil
		},
		state: func(ce consulapi.ConfigEntry) map[string]interface{} {
			si := ce.(*consulapi.ServiceIntentionsConfigEntry)
			var sources []interface{}
			for _, s := range si.Sources {
				sources = append(sources, map[string]interface{}{"name": s.Name, "peer": s.Peer, "namespace": s.Namespace,
					"partition": s.Partition, "sameness_group": s.SamenessGroup, "action": string(s.Action),
					"precedence": s.Precedence, "type": string(s.Type), "description": s.Description, "permissions": []interface{}{}})
			}
			return map[string]interface{}{"name": si.Name, "partition": si.Partition, "namespace": si.Namespace,
				"meta": anyMap(si.Meta), "sources": sources}
		},
	},
}

func init() {
	typedEntries["consul_config_entry_service_resolver"] = &typedEntry{attrs: serviceResolverAttrs, decode: decodeServiceResolver, state: serviceResolverState}
}

// decodeServiceResolver is the provider's serviceResolver.Decode (resource_consul_config_entry_service_resolver.go
// in v2.22.1): both timeouts go through time.ParseDuration, so an unset one ("") fails the apply as it fails
// the provider; subsets and failover blocks become maps keyed by name and subset_name (Meta, Subsets and
// Failover are never nil, so a left-out block is an empty map, which the client omits); a failover's
// datacenters is an empty list when left out; redirect is set only from exactly one block. The conformance
// checker (test/conformance/typedschema.go, serviceResolverToAPI) maps the same schema into the API's JSON
// shape; it is a separate Go module, so the mapping is repeated here into the api struct the server gets.
func decodeServiceResolver(b map[string]interface{}) (consulapi.ConfigEntry, error) {
	const typ = "consul_config_entry_service_resolver"
	if err := onlyAttrs(typ, b, serviceResolverAttrs); err != nil {
		return nil, err
	}
	e := &consulapi.ServiceResolverConfigEntry{Kind: consulapi.ServiceResolver, Name: str(b, "name"),
		Partition: str(b, "partition"), Namespace: str(b, "namespace"), Meta: map[string]string{},
		DefaultSubset: str(b, "default_subset"), Subsets: map[string]consulapi.ServiceResolverSubset{},
		Failover: map[string]consulapi.ServiceResolverFailover{}}
	for k, v := range strMap(b["meta"]) {
		e.Meta[k] = v
	}
	var err error
	if e.ConnectTimeout, err = time.ParseDuration(str(b, "connect_timeout")); err != nil {
		return nil, fmt.Errorf("connect_timeout: %v (the provider's Decode fails the same way)", err)
	}
	if e.RequestTimeout, err = time.ParseDuration(str(b, "request_timeout")); err != nil {
		return nil, fmt.Errorf("request_timeout: %v (the provider's Decode fails the same way)", err)
	}
	for _, x := range list(b, "subsets") {
		m := obj(x)
		if err := onlyKeys(typ+".subsets", m, []string{"name", "filter", "only_passing"}); err != nil {
			return nil, err
		}
		e.Subsets[str(m, "name")] = consulapi.ServiceResolverSubset{Filter: str(m, "filter"), OnlyPassing: m["only_passing"] == true}
	}
	if r := list(b, "redirect"); len(r) == 1 {
		m := obj(r[0])
		if err := onlyKeys(typ+".redirect", m, resolverRedirectKeys); err != nil {
			return nil, err
		}
		e.Redirect = &consulapi.ServiceResolverRedirect{Service: str(m, "service"), ServiceSubset: str(m, "service_subset"),
			Namespace: str(m, "namespace"), Partition: str(m, "partition"), SamenessGroup: str(m, "sameness_group"),
			Datacenter: str(m, "datacenter"), Peer: str(m, "peer")}
	}
	for _, x := range list(b, "failover") {
		m := obj(x)
		if err := onlyKeys(typ+".failover", m, resolverFailoverKeys); err != nil {
			return nil, err
		}
		f := consulapi.ServiceResolverFailover{Service: str(m, "service"), ServiceSubset: str(m, "service_subset"),
			Namespace: str(m, "namespace"), SamenessGroup: str(m, "sameness_group"), Datacenters: []string{}}
		f.Datacenters = append(f.Datacenters, strList(m, "datacenters")...)
		for _, t := range list(m, "targets") {
			tm := obj(t)
			if err := onlyKeys(typ+".failover.targets", tm, resolverTargetKeys); err != nil {
				return nil, err
			}
			f.Targets = append(f.Targets, consulapi.ServiceResolverFailoverTarget{Service: str(tm, "service"), ServiceSubset: str(tm, "service_subset"),
				Namespace: str(tm, "namespace"), Partition: str(tm, "partition"), Datacenter: str(tm, "datacenter"), Peer: str(tm, "peer")})
		}
		e.Failover[str(m, "subset_name")] = f
	}
	return e, nil
}

// serviceResolverState is the provider's serviceResolver.Write: durations as time.Duration.String() ("0s"
// for none), one subsets element per map key, failover elements with every attribute (datacenters only when
// not empty) and every target attribute; redirect and load_balancer are written only when the server has
// them, otherwise the state keeps what was planned (keptFromPlan).
func serviceResolverState(ce consulapi.ConfigEntry) map[string]interface{} {
	sr := ce.(*consulapi.ServiceResolverConfigEntry)
	var subsets []interface{}
	for name, sub := range sr.Subsets {
		subsets = append(subsets, map[string]interface{}{"name": name, "filter": sub.Filter, "only_passing": sub.OnlyPassing})
	}
	var redirect interface{} = keptFromPlan{}
	if r := sr.Redirect; r != nil {
		redirect = []interface{}{map[string]interface{}{"service": r.Service, "service_subset": r.ServiceSubset, "namespace": r.Namespace,
			"partition": r.Partition, "sameness_group": r.SamenessGroup, "datacenter": r.Datacenter, "peer": r.Peer}}
	}
	var failover []interface{}
	for name, f := range sr.Failover {
		var targets []interface{}
		for _, t := range f.Targets {
			targets = append(targets, map[string]interface{}{"service": t.Service, "service_subset": t.ServiceSubset, "namespace": t.Namespace,
				"partition": t.Partition, "datacenter": t.Datacenter, "peer": t.Peer})
		}
		m := map[string]interface{}{"subset_name": name, "service": f.Service, "service_subset": f.ServiceSubset, "namespace": f.Namespace,
			"sameness_group": f.SamenessGroup, "targets": targets}
		if len(f.Datacenters) > 0 {
			dcs := []interface{}{}
			for _, dc := range f.Datacenters {
				dcs = append(dcs, dc)
			}
			m["datacenters"] = dcs
		}
		failover = append(failover, m)
	}
	return map[string]interface{}{"name": sr.Name, "partition": sr.Partition, "namespace": sr.Namespace, "meta": anyMap(sr.Meta),
		"connect_timeout": sr.ConnectTimeout.String(), "request_timeout": sr.RequestTimeout.String(),
		"subsets": subsets, "default_subset": sr.DefaultSubset, "redirect": redirect, "failover": failover}
}

// keptFromPlan stands for an attribute the provider's Write leaves alone (it sets it only when the server
// has one), so after apply the state holds what was planned: no difference.
type keptFromPlan struct{}

// setElementKey: set blocks whose elements the legacy SDK matches by a hash over every attribute of the
// element, an attribute left out of the configuration counting as its zero value (the config reader fills
// every attribute of an element it reads). Elements are compared as multisets of these keys, whatever
// order the configuration and the server's maps give them. failover uses the provider's own hash function
// (resourceConsulConfigEntryServiceResolverFailoverSetHash: subset_name, service, service_subset, namespace,
// sameness_group, the datacenters, and every attribute of every target, in order); the key also keeps the
// datacenters' order, which the SDK then compares as a list inside the element.
var setElementKey = map[string]func(m map[string]interface{}) string{
	"consul_config_entry_service_resolver/failover": func(m map[string]interface{}) string {
		var targets [][]string
		for _, t := range list(m, "targets") {
			tm := obj(t)
			var row []string
			for _, k := range resolverTargetKeys {
				row = append(row, str(tm, k))
			}
			targets = append(targets, row)
		}
		return compact([]interface{}{str(m, "subset_name"), str(m, "service"), str(m, "service_subset"), str(m, "namespace"),
			str(m, "sameness_group"), strList(m, "datacenters"), targets})
	},
	"consul_config_entry_service_resolver/subsets": func(m map[string]interface{}) string {
		return compact([]interface{}{str(m, "name"), str(m, "filter"), m["only_passing"] == true})
	},
	"consul_config_entry_service_resolver/redirect": func(m map[string]interface{}) string {
		var row []string
		for _, k := range resolverRedirectKeys {
			row = append(row, str(m, k))
		}
		return compact(row)
	},
}

func diffSetByKey(path string, key func(map[string]interface{}) string, config, state []interface{}) []string {
	keys := func(l []interface{}) []string {
		var out []string
		for _, e := range l {
			out = append(out, key(obj(e)))
		}
		sort.Strings(out)
		return out
	}
	if fmt.Sprint(keys(config)) == fmt.Sprint(keys(state)) {
		return nil
	}
	return []string{fmt.Sprintf("%s: configured %s, the provider stores %s", path, compact(config), compact(state))}
}

func onlyKeys(what string, m map[string]interface{}, allowed []string) error {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	for _, k := range sortedKeysOf(m) {
		if !ok[k] {
			return fmt.Errorf("the live applier does not map %s.%s (covered: %s)", what, k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// schemaDefaults are the provider schema's Default values: an attribute left out of the configuration
// plans as its default, not as empty.
var schemaDefaults = map[string]interface{}{
	"consul_config_entry_service_intentions/sources.type": "consul",
}

// setBlocks are the block attributes the provider's schema declares as TypeSet (the others are lists).
var setBlocks = map[string]bool{
	"consul_config_entry_service_defaults/expose":                     true,
	"consul_config_entry_service_defaults/mesh_gateway":               true,
	"consul_config_entry_service_defaults/transparent_proxy":          true,
	"consul_config_entry_service_intentions/jwt":                      true,
	"consul_config_entry_service_intentions/sources.permissions.http": true,
}

// convergedTyped compares every attribute of our resource with the state the provider would write from the
// server's entry, the way the legacy SDK plans them (checked against the real provider v2.22.1 and
// Terraform on Consul 1.14.0):
//   - a primitive left out of the configuration equals an empty state value (zero, "", false) or the
//     schema default, except inside an element of a set block, where the element's hash includes every
//     attribute: there `checks = false` in the state differs from `checks` left out (`expose {}`);
//   - a block left out of the configuration equals an empty list in the state only: Write stores
//     `mesh_gateway { mode = "" }` for an unset mode, and that one element differs from none;
//   - a nested list left out equals an empty list.
//
// Returns the differing attribute paths.
func convergedTyped(typ string, ours map[string]interface{}, server consulapi.ConfigEntry) []string {
	state := typedEntries[typ].state(server)
	var diffs []string
	keys := map[string]bool{}
	for k := range state {
		keys[k] = true
	}
	for k := range ours {
		if k != "provider" && k != "depends_on" {
			keys[k] = true
		}
	}
	for _, k := range sortedKeysOf(toSet(keys)) {
		diffs = append(diffs, diffValue(typ, k, k, ours[k], state[k], false)...)
	}
	return diffs
}

func diffValue(typ, path, schemaPath string, config, state interface{}, inSetElement bool) []string {
	if _, kept := state.(keptFromPlan); kept {
		return nil
	}
	if key := setElementKey[typ+"/"+schemaPath]; key != nil {
		cl, _ := config.([]interface{})
		sl, _ := state.([]interface{})
		return diffSetByKey(path, key, cl, sl)
	}
	cl, cIsList := config.([]interface{})
	sl, sIsList := state.([]interface{})
	if cIsList || sIsList {
		isSet := setBlocks[typ+"/"+schemaPath]
		if config == nil && len(sl) > 0 {
			// one stored element, even an empty one, differs from none
			return []string{fmt.Sprintf("%s: not configured, the provider stores %s", path, compact(state))}
		}
		if len(cl) != len(sl) {
			return []string{fmt.Sprintf("%s: %d configured, server has %d (%s)", path, len(cl), len(sl), compact(state))}
		}
		var out []string
		for i := range cl {
			out = append(out, diffValue(typ, fmt.Sprintf("%s[%d]", path, i), schemaPath, cl[i], sl[i], isSet)...)
		}
		return out
	}
	cm, cIsMap := config.(map[string]interface{})
	sm, sIsMap := state.(map[string]interface{})
	if (cIsMap || sIsMap) && !isAttrMap(schemaPath) {
		keys := map[string]bool{}
		for k := range cm {
			keys[k] = true
		}
		for k := range sm {
			keys[k] = true
		}
		var out []string
		for _, k := range sortedKeysOf(toSet(keys)) {
			cv, present := cm[k]
			sv := sm[k]
			if inSetElement && !present {
				if _, nested := sv.([]interface{}); !nested && sv != nil {
					out = append(out, fmt.Sprintf("%s.%s: left out of a set element, the provider stores %s", path, k, compact(sv)))
					continue
				}
			}
			out = append(out, diffValue(typ, path+"."+k, schemaPath+"."+k, cv, sv, false)...)
		}
		return out
	}
	if config == nil {
		if d, ok := schemaDefaults[typ+"/"+schemaPath]; ok {
			config = d
		}
	}
	if isEmpty(config) && isEmpty(state) {
		return nil
	}
	if fmt.Sprint(normalizeNumber(config)) == fmt.Sprint(normalizeNumber(state)) {
		return nil
	}
	return []string{fmt.Sprintf("%s: configured %s, server has %s", path, compact(config), compact(state))}
}

func isAttrMap(schemaPath string) bool { return schemaPath == "meta" }

func toSet(m map[string]bool) map[string]interface{} {
	out := map[string]interface{}{}
	for k := range m {
		out[k] = true
	}
	return out
}

func isEmpty(v interface{}) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case bool:
		return !t
	case int:
		return t == 0
	case float64:
		return t == 0
	case []interface{}:
		return len(t) == 0
	case map[string]interface{}:
		return len(t) == 0
	}
	return false
}

func normalizeNumber(v interface{}) interface{} {
	if f, ok := v.(float64); ok && f == float64(int(f)) {
		return int(f)
	}
	return v
}

func compact(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func onlyAttrs(typ string, b map[string]interface{}, allowed []string) error {
	ok := map[string]bool{"provider": true, "depends_on": true}
	for _, a := range allowed {
		ok[a] = true
	}
	var unknown []string
	for k := range b {
		if !ok[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("the live applier does not map %s.%s (covered: %s)", typ, strings.Join(unknown, ", "), strings.Join(allowed, ", "))
	}
	return nil
}

func strMap(v interface{}) map[string]string {
	m := obj(v)
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for k, e := range m {
		out[k], _ = e.(string)
	}
	return out
}

func anyMap(m map[string]string) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func intOf(v interface{}) int {
	switch t := v.(type) {
	case float64:
		return int(t)
	case int:
		return t
	}
	return 0
}
