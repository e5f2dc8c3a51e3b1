package discordtest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Discord's documented limits. Lengths are counted in characters (runes).
const (
	maxContent         = 2000
	maxEmbeds          = 10
	maxEmbedTotal      = 6000
	maxEmbedTitle      = 256
	maxEmbedDesc       = 4096
	maxEmbedFields     = 25
	maxFieldName       = 256
	maxFieldValue      = 1024
	maxFooterText      = 2048
	maxAuthorName      = 256
	maxActionRows      = 5
	maxRowComponents   = 5
	maxCustomID        = 100
	maxButtonLabel     = 80
	maxChoices         = 25
	maxChoiceName      = 100
	maxCommands        = 100
	maxOptions         = 25
	maxCommandDesc     = 100
	flagComponentsV2   = 1 << 15
	componentActionRow = 1
	componentButton    = 2
	buttonStyleLink    = 5
	buttonStylePremium = 6
)

// fieldError is one entry of Discord's Invalid Form Body error tree.
type fieldError struct {
	path    []string
	code    string
	message string
}

// formError builds Discord's 50035 body, nesting errors by field path:
// {"code":50035,"errors":{"embeds":{"0":{"description":{"_errors":[...]}}}},"message":"Invalid Form Body"}.
func formError(errs []fieldError) map[string]any {
	root := map[string]any{}
	for _, e := range errs {
		node := root
		for _, p := range e.path {
			child, ok := node[p].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[p] = child
			}
			node = child
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": e.code, "message": e.message})
	}
	return map[string]any{"code": 50035, "errors": root, "message": "Invalid Form Body"}
}

func at(prefix []string, more ...string) []string {
	return append(append([]string(nil), prefix...), more...)
}

func tooLong(path []string, n int) fieldError {
	return fieldError{path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", n)}
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// checkMessage validates a message body (create or edit) against Discord's
// limits. empty reports a create with nothing to show, which Discord answers
// with 50006 rather than a form error.
func checkMessage(m map[string]any, prefix []string, create, hasFiles bool) (errs []fieldError, empty bool) {
	content := str(m, "content")
	if n := utf8.RuneCountInString(content); n > maxContent {
		errs = append(errs, tooLong(at(prefix, "content"), maxContent))
	}
	embeds, _ := m["embeds"].([]any)
	if len(embeds) > maxEmbeds {
		errs = append(errs, tooLong(at(prefix, "embeds"), maxEmbeds))
	}
	total := 0
	for i, e := range embeds {
		em, _ := e.(map[string]any)
		p := at(prefix, "embeds", strconv.Itoa(i))
		count := func(v string, limit int, field ...string) {
			n := utf8.RuneCountInString(v)
			total += n
			if n > limit {
				errs = append(errs, tooLong(at(p, field...), limit))
			}
		}
		count(str(em, "title"), maxEmbedTitle, "title")
		count(str(em, "description"), maxEmbedDesc, "description")
		if f, ok := em["footer"].(map[string]any); ok {
			count(str(f, "text"), maxFooterText, "footer", "text")
		}
		if a, ok := em["author"].(map[string]any); ok {
			count(str(a, "name"), maxAuthorName, "author", "name")
		}
		fields, _ := em["fields"].([]any)
		if len(fields) > maxEmbedFields {
			errs = append(errs, tooLong(at(p, "fields"), maxEmbedFields))
		}
		for j, f := range fields {
			fm, _ := f.(map[string]any)
			fp := []string{"fields", strconv.Itoa(j)}
			name, value := str(fm, "name"), str(fm, "value")
			for _, k := range []string{"name", "value"} {
				if str(fm, k) == "" {
					errs = append(errs, fieldError{at(p, append(fp, k)...), "BASE_TYPE_REQUIRED", "This field is required"})
				}
			}
			count(name, maxFieldName, append(fp, "name")...)
			count(value, maxFieldValue, append(fp, "value")...)
		}
	}
	if total > maxEmbedTotal {
		errs = append(errs, fieldError{at(prefix, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedTotal)})
	}
	components, _ := m["components"].([]any)
	flags, _ := intField(m, "flags")
	if flags&flagComponentsV2 == 0 {
		errs = append(errs, checkComponents(components, at(prefix, "components"))...)
	}
	if n, ok := m["nonce"].(string); ok && len(n) > 25 {
		errs = append(errs, tooLong(at(prefix, "nonce"), 25))
	}
	if create {
		attachments, _ := m["attachments"].([]any)
		stickers, _ := m["sticker_ids"].([]any)
		empty = strings.TrimSpace(content) == "" && len(embeds) == 0 && len(components) == 0 &&
			len(attachments) == 0 && len(stickers) == 0 && m["poll"] == nil && !hasFiles
	}
	return errs, empty
}

func checkComponents(rows []any, p []string) (errs []fieldError) {
	if len(rows) > maxActionRows {
		errs = append(errs, tooLong(p, maxActionRows))
	}
	ids := map[string]bool{}
	for i, r := range rows {
		row, _ := r.(map[string]any)
		rp := at(p, strconv.Itoa(i))
		if t, _ := intField(row, "type"); t != componentActionRow {
			errs = append(errs, fieldError{at(rp, "type"), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,)."})
			continue
		}
		children, _ := row["components"].([]any)
		if len(children) > maxRowComponents {
			errs = append(errs, tooLong(at(rp, "components"), maxRowComponents))
		}
		for j, c := range children {
			cm, _ := c.(map[string]any)
			cp := at(rp, "components", strconv.Itoa(j))
			id := str(cm, "custom_id")
			if utf8.RuneCountInString(id) > maxCustomID {
				errs = append(errs, tooLong(at(cp, "custom_id"), maxCustomID))
			}
			if id != "" && ids[id] {
				errs = append(errs, fieldError{at(cp, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"})
			}
			ids[id] = id != ""
			if t, _ := intField(cm, "type"); t == componentButton {
				if utf8.RuneCountInString(str(cm, "label")) > maxButtonLabel {
					errs = append(errs, tooLong(at(cp, "label"), maxButtonLabel))
				}
				style, _ := intField(cm, "style")
				switch {
				case style == buttonStyleLink && str(cm, "url") == "":
					errs = append(errs, fieldError{at(cp, "url"), "BASE_TYPE_REQUIRED", "This field is required"})
				case style != buttonStyleLink && style != buttonStylePremium && id == "":
					errs = append(errs, fieldError{at(cp, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required"})
				}
			}
		}
	}
	return errs
}

// checkChoices validates an autocomplete result.
func checkChoices(data map[string]any) (errs []fieldError) {
	choices, _ := data["choices"].([]any)
	p := []string{"data", "choices"}
	if len(choices) > maxChoices {
		errs = append(errs, tooLong(p, maxChoices))
	}
	for i, c := range choices {
		cm, _ := c.(map[string]any)
		if n := utf8.RuneCountInString(str(cm, "name")); n < 1 || n > maxChoiceName {
			errs = append(errs, fieldError{at(p, strconv.Itoa(i), "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
		}
		if v, ok := cm["value"].(string); ok && utf8.RuneCountInString(v) > maxChoiceName {
			errs = append(errs, tooLong(at(p, strconv.Itoa(i), "value"), maxChoiceName))
		}
	}
	return errs
}

// commandNameRE is Discord's documented pattern for command and option names.
var commandNameRE = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// checkCommands validates a bulk overwrite the way Discord does.
func checkCommands(cmds []map[string]any) (errs []fieldError) {
	if len(cmds) > maxCommands {
		errs = append(errs, tooLong(nil, maxCommands))
	}
	seen := map[string]bool{}
	for i, c := range cmds {
		p := []string{strconv.Itoa(i)}
		typ, ok := intField(c, "type")
		if !ok {
			typ = 1
		}
		name := str(c, "name")
		key := strconv.Itoa(typ) + "/" + name
		if seen[key] {
			errs = append(errs, fieldError{at(p, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"})
		}
		seen[key] = true
		if typ != 1 { // user and message commands: free-form names, no description
			if n := utf8.RuneCountInString(name); n < 1 || n > 32 {
				errs = append(errs, fieldError{at(p, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."})
			}
			continue
		}
		errs = append(errs, checkNameDesc(c, p)...)
		errs = append(errs, checkOptions(c, p)...)
	}
	return errs
}

func checkNameDesc(m map[string]any, p []string) (errs []fieldError) {
	name := str(m, "name")
	if !commandNameRE.MatchString(name) || strings.ToLower(name) != name {
		errs = append(errs, fieldError{at(p, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"})
	}
	if n := utf8.RuneCountInString(str(m, "description")); n < 1 || n > maxCommandDesc {
		errs = append(errs, fieldError{at(p, "description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."})
	}
	return errs
}

func checkOptions(m map[string]any, p []string) (errs []fieldError) {
	opts, _ := m["options"].([]any)
	if len(opts) > maxOptions {
		errs = append(errs, tooLong(at(p, "options"), maxOptions))
	}
	optional := false
	for i, o := range opts {
		om, _ := o.(map[string]any)
		op := at(p, "options", strconv.Itoa(i))
		errs = append(errs, checkNameDesc(om, op)...)
		if om["required"] == true && optional {
			errs = append(errs, fieldError{at(p, "options"), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"})
		}
		optional = optional || om["required"] != true
		choices, _ := om["choices"].([]any)
		if len(choices) > maxChoices {
			errs = append(errs, tooLong(at(op, "choices"), maxChoices))
		}
		if t, _ := intField(om, "type"); t == 1 || t == 2 { // subcommand (group)
			errs = append(errs, checkOptions(om, op)...)
		}
	}
	return errs
}
