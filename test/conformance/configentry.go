package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/consul/api"
)

// apiKindConstants are the config-entry kind constants exported by consul/api v1.32.1. knownKinds keeps
// those that api.MakeConfigEntry (the switch the provider's decoder goes through) actually accepts.
var apiKindConstants = []string{
	api.ServiceDefaults, api.ProxyDefaults, api.ServiceRouter, api.ServiceSplitter, api.ServiceResolver,
	api.IngressGateway, api.TerminatingGateway, api.ServiceIntentions, api.MeshConfig, api.ExportedServices,
	api.SamenessGroup, api.RateLimitIPConfig, api.APIGateway, api.TCPRoute, api.FileSystemCertificate,
	api.InlineCertificate, api.HTTPRoute, api.JWTProvider,
}

func knownKinds() []string {
	var out []string
	for _, k := range apiKindConstants {
		if _, err := api.MakeConfigEntry(k, "x"); err == nil {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// providerOwnedKeys are injected by terraform-provider-consul from the resource's own arguments (as
// `kind`, `name`, `Namespace`, `Partition`). A copy inside config_json is overwritten, or worse: a
// `Kind` is read before `kind` to pick the entry type, and an exact `Name` beats the injected `name`.
var providerOwnedKeys = map[string]string{"kind": "kind", "name": "name", "namespace": "namespace", "partition": "partition"}

// readOnlyKeys are server-assigned and stripped by the provider on read.
var readOnlyKeys = map[string]bool{"createindex": true, "modifyindex": true, "status": true}

// checkConfigEntry checks one `consul_config_entry` resource.
func checkConfigEntry(file, address string, res map[string]interface{}, opt options, probs *problems) {
	report := func(path, msg string) { probs.add(file, address, path, msg) }

	kind, _ := res["kind"].(string)
	name, _ := res["name"].(string)
	namespace, _ := res["namespace"].(string)
	partition, _ := res["partition"].(string)
	if kind == "" {
		report("kind", "missing or not a string")
		return
	}
	if hasInterpolation(kind) {
		report("kind", fmt.Sprintf("%q is a Terraform expression; the kind must be a literal to be checked", kind))
		return
	}
	entry, err := api.MakeConfigEntry(kind, name)
	if err != nil {
		report("kind", fmt.Sprintf("unknown config entry kind %q; consul/api v1.32.1 decodes only: %s", kind, strings.Join(knownKinds(), ", ")))
		return
	}
	entryType := reflect.TypeOf(entry).Elem()

	raw, present := res["config_json"]
	cj, isString := raw.(string)
	if !present || !isString {
		report("config_json", "missing or not a string (the provider json-decodes config_json unconditionally, so an absent value fails at apply)")
		return
	}
	var data interface{}
	if err := json.Unmarshal([]byte(cj), &data); err != nil {
		if hasInterpolation(cj) {
			msg := "is a Terraform expression, not a JSON document; render it with JSON.stringify at synth so it can be checked"
			if opt.allowInterpolation {
				warn(file, address, "config_json", msg+" (skipped)")
				return
			}
			report("config_json", msg)
			return
		}
		report("config_json", "not valid JSON: "+err.Error())
		return
	}
	obj, ok := data.(map[string]interface{})
	if !ok {
		report("config_json", "must be a JSON object")
		return
	}
	obj = checkInterpolations(file, address, "config_json", obj, opt, probs).(map[string]interface{})

	before := len(probs.lines)
	for _, k := range sortedKeys(obj) {
		lower := strings.ToLower(k)
		if arg, owned := providerOwnedKeys[lower]; owned {
			report(pathKey("config_json", k), fmt.Sprintf("must not appear in config_json; set the resource's %q argument instead (the provider injects it, and a copy here is either overwritten or, for Kind and Name, silently wins over it)", arg))
			delete(obj, k)
		} else if readOnlyKeys[lower] {
			report(pathKey("config_json", k), "is read-only (server-assigned) and must not be written")
			delete(obj, k)
		}
	}
	checkAPIKeys(entryType, obj, "config_json", report)
	keyProblems := len(probs.lines) > before

	// Mirror the provider's makeConfigEntry: resource arguments win over config_json. Keys for fields the
	// entry type does not have (e.g. mesh has no Kind/Name) are left out, as the lenient decoder ignores them.
	fields := map[string]bool{}
	for _, f := range structFields(entryType) {
		fields[f.name] = true
	}
	for field, value := range map[string]string{"Kind": kind, "Name": name, "Namespace": namespace, "Partition": partition} {
		if fields[field] && value != "" {
			obj[field] = value
		}
	}
	decodeErrors := strictDecode(obj, entry)
	for _, e := range decodeErrors {
		if keyProblems && strings.Contains(e, "has invalid keys") {
			continue // already reported, with paths and suggestions, by checkAPIKeys
		}
		report("config_json", "strict decode into api."+entryType.Name()+": "+e)
	}
	if len(decodeErrors) > 0 || keyProblems {
		return
	}

	checkConfigEntrySemantics(name, entry, report)
}

// checkAPIKeys walks a JSON value next to the API type it decodes into and reports every object key
// that is not exactly a field name: unknown keys, snake_case spellings (silently dropped by the
// provider's decoder) and keys that only match case-insensitively (accepted by mapstructure, but not
// the spelling the HTTP API returns). Free-form maps (Meta, Config, ...) are not descended into.
func checkAPIKeys(t reflect.Type, v interface{}, path string, report reporter) {
	t = deref(t)
	switch t.Kind() {
	case reflect.Struct:
		if t == timeType {
			return
		}
		obj, ok := v.(map[string]interface{})
		if !ok {
			return // a type mismatch; the strict decode reports it
		}
		fields := structFields(t)
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.name
		}
		for _, k := range sortedKeys(obj) {
			p := pathKey(path, k)
			f, found := findField(fields, func(f fieldInfo) bool { return f.name == k })
			if found {
				checkAPIKeys(f.field.Type, obj[k], p, report)
				continue
			}
			// Misspelled case or snake_case: report, then keep checking what is underneath.
			if f, found := findField(fields, func(f fieldInfo) bool { return strings.EqualFold(f.name, k) }); found {
				report(p, fmt.Sprintf("key %q must be spelled %q, exactly as the Consul HTTP API returns it (PascalCase)", k, f.name))
				checkAPIKeys(f.field.Type, obj[k], p, report)
				continue
			}
			squashed := strings.ReplaceAll(k, "_", "")
			if f, found := findField(fields, func(f fieldInfo) bool { return strings.EqualFold(f.name, squashed) }); found && strings.Contains(k, "_") {
				report(p, fmt.Sprintf("snake_case key %q: the API field is %q (the provider's decoder silently drops snake_case keys)", k, f.name))
				checkAPIKeys(f.field.Type, obj[k], p, report)
				continue
			}
			report(p, fmt.Sprintf("unknown key %q for api.%s%s", k, t.Name(), suggestOrList(k, names)))
		}
	case reflect.Map:
		obj, ok := v.(map[string]interface{})
		if !ok || isOpaqueMap(t) {
			return
		}
		for _, k := range sortedKeys(obj) {
			checkAPIKeys(t.Elem(), obj[k], pathKey(path, k), report)
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]interface{})
		if !ok {
			return
		}
		for i, e := range arr {
			checkAPIKeys(t.Elem(), e, pathIndex(path, i), report)
		}
	default:
		checkInteger(t, v, path, report)
	}
}

func findField(fields []fieldInfo, match func(fieldInfo) bool) (fieldInfo, bool) {
	for _, f := range fields {
		if match(f) {
			return f, true
		}
	}
	return fieldInfo{}, false
}

// suggestOrList names the closest valid key, or lists the valid keys when there are few.
func suggestOrList(key string, names []string) string {
	if s := suggest(key, names); s != "" {
		return s
	}
	if len(names) <= 12 {
		return "; valid keys: " + strings.Join(names, ", ")
	}
	return ""
}

// checkConfigEntrySemantics applies the few server-side rules that a decode cannot see.
func checkConfigEntrySemantics(name string, entry api.ConfigEntry, report reporter) {
	checkMeshGatewayModes(reflect.ValueOf(entry), "config_json", report)
	switch e := entry.(type) {
	case *api.MeshConfigEntry:
		if name != api.MeshConfigMesh {
			report("name", fmt.Sprintf("a mesh entry must be named %q, got %q", api.MeshConfigMesh, name))
		}
	case *api.ProxyConfigEntry:
		if name != api.ProxyConfigGlobal {
			report("name", fmt.Sprintf("a proxy-defaults entry must be named %q (the server rejects other names), got %q", api.ProxyConfigGlobal, name))
		}
	case *api.ExportedServicesConfigEntry:
		for i, s := range e.Services {
			sp := pathIndex("config_json.Services", i)
			if s.Name == "" {
				report(pathKey(sp, "Name"), "an exported service needs a Name")
			}
			for j, c := range s.Consumers {
				cp := pathIndex(pathKey(sp, "Consumers"), j)
				set := 0
				for _, v := range []string{c.Peer, c.Partition, c.SamenessGroup} {
					if v != "" {
						set++
					}
				}
				if set != 1 {
					report(cp, "a consumer must set exactly one of Peer, Partition, SamenessGroup")
				}
				for field, v := range map[string]string{"Peer": c.Peer, "Partition": c.Partition, "SamenessGroup": c.SamenessGroup} {
					if v == "*" {
						report(pathKey(cp, field), "wildcard consumers are not supported")
					}
				}
			}
		}
	case *api.ServiceResolverConfigEntry:
		checkServiceResolverSemantics(e, "config_json", report)
	case *api.SamenessGroupConfigEntry:
		checkSamenessGroupSemantics(e, "config_json", report)
	case *api.ServiceIntentionsConfigEntry:
		for i, s := range e.Sources {
			sp := pathIndex("config_json.Sources", i)
			if s.Name == "" {
				report(pathKey(sp, "Name"), "an intention source needs a Name")
			}
			if s.Peer != "" && s.Partition != "" {
				report(sp, "Peer and Partition are mutually exclusive on an intention source")
			}
		}
	}
}

var meshGatewayModeType = reflect.TypeOf(api.MeshGatewayMode(""))

// checkMeshGatewayModes reports every api.MeshGatewayMode value outside "", none, local, remote.
func checkMeshGatewayModes(v reflect.Value, base string, report reporter) {
	walkValues(v, base, func(path string, v reflect.Value) {
		if v.Type() == meshGatewayModeType && !validMeshGatewayModes[v.String()] {
			report(path, fmt.Sprintf("mesh gateway mode %q is not one of \"\", none, local, remote", v.String()))
		}
	})
}
