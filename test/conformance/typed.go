package main

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/consul/api"
)

// typedKinds are the typed config-entry resources of terraform-provider-consul 2.22.1 this checker
// decodes, with the kind their Decode builds. Their attributes are Terraform schema attributes, not a
// config_json document: snake_case, every nested block a list. Any other `consul_config_entry_*` resource
// in a stack is reported, so the checker never covers less than the stack holds without saying so.
var typedKinds = map[string]string{
	"consul_config_entry_service_defaults":   api.ServiceDefaults,
	"consul_config_entry_service_intentions": api.ServiceIntentions,
}

// typedMetaArguments are Terraform meta-arguments and cdktf bookkeeping, not schema attributes; `id` is
// the resource id, which the provider sets to the entry name.
var typedMetaArguments = map[string]bool{
	"//": true, "provider": true, "depends_on": true, "lifecycle": true, "count": true, "for_each": true, "id": true,
}

// typedAttributeFields are the provider attributes whose API field is not the attribute's name without
// underscores (compared case-insensitively), per API type.
var typedAttributeFields = map[reflect.Type]map[string]string{
	reflect.TypeOf(api.IntentionHTTPPermission{}): {"headers": "Header"},
}

// referenceRe matches a reference to another resource's `name`, the only interpolation a typed entry's
// own `name`, `namespace` and `partition` may hold (the library points them at the consul_namespace or
// consul_admin_partition it creates, so Terraform creates those first).
var referenceRe = regexp.MustCompile(`^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.name\}$`)

// checkTypedConfigEntries checks every typed config-entry resource of a stack and returns how many it
// decoded.
func checkTypedConfigEntries(file string, doc map[string]interface{}, opt options, probs *problems) int {
	resources, _ := doc["resource"].(map[string]interface{})
	var types []string
	for typ := range resources {
		if strings.HasPrefix(typ, "consul_config_entry_") {
			types = append(types, typ)
		}
	}
	sort.Strings(types)
	n := 0
	for _, typ := range types {
		names, blocks := resourcesOfType(doc, typ)
		kind, known := typedKinds[typ]
		bySchema, restructured := schemaTypedEntries[typ] // typedschema.go: kinds whose Decode restructures the attributes
		for _, name := range names {
			address := typ + "." + name
			if restructured {
				checkSchemaTypedConfigEntry(file, address, blocks[name], bySchema, opt, probs)
				n++
				continue
			}
			if !known {
				var covered []string
				for t := range typedKinds {
					covered = append(covered, t)
				}
				for t := range schemaTypedEntries {
					covered = append(covered, t)
				}
				sort.Strings(covered)
				probs.add(file, address, "", fmt.Sprintf("the conformance checker does not decode %s (it decodes consul_config_entry and %s); add it to typedKinds in test/conformance/typed.go", typ, strings.Join(covered, ", ")))
				continue
			}
			checkTypedConfigEntry(file, address, kind, blocks[name], resources, opt, probs)
			n++
		}
	}
	return n
}

// checkTypedConfigEntry converts one typed resource's attributes to the API field names of its kind,
// decodes them strictly into the API type, and applies the server's rules for the kind.
func checkTypedConfigEntry(file, address, kind string, res map[string]interface{}, resources map[string]interface{}, opt options, probs *problems) {
	report := func(path, msg string) { probs.add(file, address, path, msg) }
	attrs := map[string]interface{}{}
	for k, v := range res {
		if !typedMetaArguments[k] {
			attrs[k] = v
		}
	}
	// The entry's own name, namespace and partition may reference the resource that creates them.
	for _, k := range []string{"name", "namespace", "partition"} {
		s, isString := attrs[k].(string)
		if !isString || !hasInterpolation(s) {
			continue
		}
		if resolved, ok := resolveNameReference(s, resources); ok {
			attrs[k] = resolved
		} else {
			report(k, fmt.Sprintf("%q is not a reference to another resource's literal name, so the entry's %s cannot be checked", s, k))
			attrs[k] = "interpolated"
		}
	}
	attrs = checkInterpolations(file, address, "", attrs, opt, probs).(map[string]interface{})

	entry, err := api.MakeConfigEntry(kind, "")
	if err != nil {
		report("", err.Error())
		return
	}
	entryType := reflect.TypeOf(entry).Elem()
	failed := false
	fail := func(path, msg string) { failed = true; report(path, msg) }
	converted, _ := typedToAPI(entryType, attrs, "", fail).(map[string]interface{})
	if converted == nil {
		return
	}
	converted["Kind"] = kind
	for _, e := range strictDecode(converted, entry) {
		fail("", "strict decode into api."+entryType.Name()+": "+e)
	}
	if failed {
		return
	}
	checkMeshGatewayModes(reflect.ValueOf(entry), "", report)
	switch e := entry.(type) {
	case *api.ServiceConfigEntry:
		checkServiceDefaults(e, report)
	case *api.ServiceIntentionsConfigEntry:
		checkServiceIntentions(e, report)
	}
}

// resolveNameReference returns the literal `name` of the resource `${type.name.name}` points at.
func resolveNameReference(s string, resources map[string]interface{}) (string, bool) {
	m := referenceRe.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	byName, _ := resources[m[1]].(map[string]interface{})
	block, _ := byName[m[2]].(map[string]interface{})
	name, isString := block["name"].(string)
	if !isString || name == "" || hasInterpolation(name) {
		return "", false
	}
	return name, true
}

// typedToAPI returns v with every schema attribute renamed to the API field it decodes into, and every
// nested block (a list in Terraform JSON) turned into what the field holds: a list stays a list for a
// slice field and is unwrapped for a struct field (such blocks have at most one element). Free-form maps
// (meta, envoy extension arguments) are copied as they are. Attributes with no API field are reported.
func typedToAPI(t reflect.Type, v interface{}, path string, report reporter) interface{} {
	t = deref(t)
	switch t.Kind() {
	case reflect.Struct:
		if t == timeType {
			return v
		}
		obj, ok := v.(map[string]interface{})
		if !ok {
			return v // a type mismatch; the strict decode reports it
		}
		fields := structFields(t)
		var names []string
		for _, f := range fields {
			names = append(names, toSnake(f.name))
		}
		sort.Strings(names)
		out := make(map[string]interface{}, len(obj))
		for _, k := range sortedKeys(obj) {
			p := pathKey(path, k)
			want := typedAttributeFields[t][k]
			f, found := findField(fields, func(f fieldInfo) bool {
				if want != "" {
					return f.name == want
				}
				return strings.EqualFold(f.name, strings.ReplaceAll(k, "_", ""))
			})
			if !found {
				report(p, fmt.Sprintf("attribute %q has no field in api.%s%s", k, t.Name(), suggestOrList(k, names)))
				continue
			}
			value := obj[k]
			ft := deref(f.field.Type)
			if list, isList := value.([]interface{}); isList && ft.Kind() == reflect.Struct && ft != timeType {
				switch len(list) {
				case 0:
					continue
				case 1:
					value = list[0]
				default:
					report(p, fmt.Sprintf("%d blocks, but api.%s.%s holds one", len(list), t.Name(), f.name))
					continue
				}
			}
			out[f.name] = typedToAPI(f.field.Type, value, p, report)
		}
		return out
	case reflect.Map:
		obj, ok := v.(map[string]interface{})
		if !ok || isOpaqueMap(t) {
			return v
		}
		out := make(map[string]interface{}, len(obj))
		for _, k := range sortedKeys(obj) {
			out[k] = typedToAPI(t.Elem(), obj[k], pathKey(path, k), report)
		}
		return out
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]interface{})
		if !ok {
			return v
		}
		out := make([]interface{}, len(arr))
		for i, e := range arr {
			out[i] = typedToAPI(t.Elem(), e, pathIndex(path, i), report)
		}
		return out
	default:
		checkInteger(t, v, path, report)
		return v
	}
}

var (
	validProtocols      = map[string]bool{"": true, "tcp": true, "http": true, "http2": true, "grpc": true}
	validProxyModes     = map[api.ProxyMode]bool{"": true, api.ProxyModeDirect: true, api.ProxyModeTransparent: true}
	validMutualTLSModes = map[api.MutualTLSMode]bool{"": true, api.MutualTLSModeStrict: true, api.MutualTLSModePermissive: true}
)

// checkServiceDefaults applies the server's rules for a service-defaults entry that a decode cannot see
// (agent/structs/config_entry.go, ServiceConfigEntry.Validate). Paths use the resource's attribute names.
func checkServiceDefaults(e *api.ServiceConfigEntry, report reporter) {
	if e.Name == "" || e.Name == "*" {
		report("name", fmt.Sprintf("a service-defaults entry needs a service name, not %q", e.Name))
	}
	if !validProtocols[strings.ToLower(e.Protocol)] {
		report("protocol", fmt.Sprintf("protocol %q is not one of tcp, http, http2, grpc", e.Protocol))
	}
	if !validProxyModes[e.Mode] {
		report("mode", fmt.Sprintf("mode %q is not one of \"\", direct, transparent", e.Mode))
	}
	if !validMutualTLSModes[e.MutualTLSMode] {
		report("mutual_tls_mode", fmt.Sprintf("mutual_tls_mode %q is not one of \"\", strict, permissive", e.MutualTLSMode))
	}
}

// checkServiceIntentions applies the server's rules for a service-intentions entry that a decode cannot
// see (agent/structs/config_entry_intentions.go, Validate). Paths use the resource's attribute names.
func checkServiceIntentions(e *api.ServiceIntentionsConfigEntry, report reporter) {
	if e.Name == "" {
		report("name", "a service-intentions entry needs a destination name")
	}
	type sourceKey struct{ name, namespace, partition, peer, samenessGroup string }
	seen := map[sourceKey]int{}
	for i, s := range e.Sources {
		sp := pathIndex("sources", i)
		if s.Name == "" {
			report(pathKey(sp, "name"), "an intention source needs a name")
		}
		if s.Peer != "" && s.Partition != "" {
			report(sp, "peer and partition are mutually exclusive on an intention source")
		}
		if s.Type != "" && s.Type != api.IntentionSourceConsul {
			report(pathKey(sp, "type"), fmt.Sprintf("type %q is not %q", s.Type, api.IntentionSourceConsul))
		}
		if len(s.Permissions) == 0 {
			if s.Action != api.IntentionActionAllow && s.Action != api.IntentionActionDeny {
				report(pathKey(sp, "action"), fmt.Sprintf("action %q is not allow or deny (a source without permissions needs one)", s.Action))
			}
		} else if s.Action != "" {
			report(pathKey(sp, "action"), "a source with permissions cannot also set action")
		}
		k := sourceKey{s.Name, s.Namespace, s.Partition, s.Peer, s.SamenessGroup}
		if j, dup := seen[k]; dup {
			report(sp, fmt.Sprintf("the same source as sources[%d]; Consul refuses a source listed twice", j))
		}
		seen[k] = i
	}
}
