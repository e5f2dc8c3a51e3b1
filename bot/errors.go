package bot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handover/handover/retrieval"
)

// Errors a handler returns to choose what the user is told.
var (
	errBusy         = errors.New("too many questions waiting")
	errClosing      = errors.New("shutting down")
	errPanic        = errors.New("handler panicked")
	errAnswerGone   = errors.New("answer no longer in memory")
	errUnknownInput = errors.New("unknown command or button")
	errMalformed    = errors.New("interaction did not decode")
	errUnreadable   = errors.New("question holds control characters")
	// errUndelivered marks an answer computed but never delivered.
	errUndelivered = errors.New("answer not delivered")
	// errExpired is Discord's 10062 Unknown interaction: the token is dead
	// (acknowledged too late, or already answered elsewhere). Nothing can be
	// sent for it, so it is logged and dropped, never retried.
	errExpired = errors.New("interaction expired (10062 unknown interaction)")
)

// cooldownError says how long a user must wait before asking again.
type cooldownError struct{ wait time.Duration }

func (e cooldownError) Error() string { return fmt.Sprintf("cooldown: %s left", e.wait) }

// userMessage is the one place that decides what a user reads when
// something goes wrong: short, plain, and never an internal detail.
// partLost opens the note to a user whose answer went out only in part:
// what was delivered stays.
const partLost = "The rest of this answer could not be sent. "

func userMessage(err error) string {
	var cd cooldownError
	switch {
	case errors.As(err, &cd):
		secs := int(math.Ceil(cd.wait.Seconds()))
		unit := "seconds"
		if secs == 1 {
			unit = "second"
		}
		return fmt.Sprintf("You're asking a little fast — please wait %d %s and try again.", secs, unit)
	case errors.Is(err, retrieval.ErrEmptyQuestion):
		return "Please include a question, for example `/ask when did Rutte take office?`"
	case errors.Is(err, retrieval.ErrQuestionTooLong):
		return fmt.Sprintf("That question is too long. Please keep it under %d characters.", retrieval.MaxQuestionLen)
	case errors.Is(err, errBusy):
		return "I'm answering a lot of questions right now. Please try again in a minute."
	case errors.Is(err, errClosing), errors.Is(err, context.Canceled):
		// Handlers are cancelled only when shutdown's grace period ends.
		return "I'm restarting. Please ask again in a minute."
	case errors.Is(err, errAnswerGone):
		return "I no longer have that answer in memory (I may have restarted). Ask the question again to see its sources."
	case errors.Is(err, errUnreadable):
		return "That question has characters I can't read. Please type it again."
	case errors.Is(err, errMalformed):
		return "Sorry, I couldn't read that request. Please try again, or use `/help`."
	case errors.Is(err, errUnknownInput):
		return "I don't know that command. Try `/help`."
	case errors.Is(err, context.DeadlineExceeded):
		return "Sorry, that took too long to answer. Please try again."
	case errors.Is(err, errPanic):
		return "Sorry, something went wrong on my side while answering. It has been logged."
	default:
		return "Sorry, something went wrong while answering. Please try again."
	}
}

// tokenPathRE matches the secret segment of an interaction's URLs: the
// token in /interactions/{id}/{token}/callback and in
// /webhooks/{application}/{token}/..., which discordgo's errors quote
// whole (a *url.Error carries the request URL). Anyone holding the token
// can post as the bot for 15 minutes, so it must never reach a log.
var tokenPathRE = regexp.MustCompile(`(/(?:interactions|webhooks)/[^/\s"']+/)[A-Za-z0-9_.~%=:+-]+`)

// redactedError is an error whose text has its interaction tokens hidden;
// errors.Is and errors.As still see the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact hides interaction tokens in err's text. Every error from a call
// that used an interaction token passes through it before it is wrapped
// or logged.
func redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := tokenPathRE.ReplaceAllString(msg, "${1}<token>")
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// isUnknownInteraction reports Discord's 10062.
func isUnknownInteraction(err error) bool {
	return isRESTCode(err, discordgo.ErrCodeUnknownInteraction)
}

// isRESTCode reports a Discord error response with that JSON error code.
func isRESTCode(err error, code int) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == code
}

// permissionHint says what to fix when Discord refuses for lack of access,
// the commonest set-up mistake; "" otherwise.
func permissionHint(err error) string {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil {
		return ""
	}
	switch re.Message.Code {
	case discordgo.ErrCodeMissingAccess, discordgo.ErrCodeMissingPermissions:
		return "give the bot View Channel, Send Messages, Read Message History, Embed Links and Add Reactions in this channel"
	}
	return ""
}

// outcomeOf is the metrics outcome for a question that failed with err.
func outcomeOf(err error) string {
	var cd cooldownError
	switch {
	case errors.As(err, &cd):
		return outcomeCooldown
	case errors.Is(err, retrieval.ErrEmptyQuestion), errors.Is(err, retrieval.ErrQuestionTooLong), errors.Is(err, errUnreadable):
		return outcomeRejected
	case errors.Is(err, errUndelivered):
		return outcomeUndelivered
	case errors.Is(err, errBusy), errors.Is(err, errClosing):
		return outcomeBusy
	default:
		return outcomeError
	}
}
