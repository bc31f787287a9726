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
