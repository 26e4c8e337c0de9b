#include "core/session.hpp"

#include <utility>

namespace syx::session {

const char* to_string(EventKind kind) {
    switch (kind) {
    case EventKind::started:
        return "started";
    case EventKind::message_received:
        return "message-received";
    case EventKind::send_completed:
        return "send-completed";
    case EventKind::deadline_reached:
        return "deadline-reached";
    case EventKind::user_answered:
        return "user-answered";
    case EventKind::transport_failed:
        return "transport-failed";
    case EventKind::cancel:
        return "cancel";
    }
    return "started";
}

const char* to_string(TransportError error) {
    return error == TransportError::port_vanished ? "port-vanished" : "write-error";
}

const char* to_string(QuestionPurpose purpose) {
    switch (purpose) {
    case QuestionPurpose::confirm:
        return "confirm";
    case QuestionPurpose::typed_confirmation:
        return "typed-confirmation";
    case QuestionPurpose::manual_dump:
        return "manual-dump";
    case QuestionPurpose::enter_bootloader:
        return "enter-bootloader";
    case QuestionPurpose::recovery_step:
        return "recovery-step";
    case QuestionPurpose::display_check:
        return "display-check";
    case QuestionPurpose::reconnect:
        return "reconnect";
    case QuestionPurpose::information:
        return "information";
    }
    return "confirm";
}

const char* to_string(OutcomeKind kind) {
    switch (kind) {
    case OutcomeKind::success:
        return "success";
    case OutcomeKind::refused:
        return "refused";
    case OutcomeKind::no_answer:
        return "no-answer";
    case OutcomeKind::incomplete:
        return "incomplete";
    case OutcomeKind::transfer_failed:
        return "transfer-failed";
    case OutcomeKind::cancelled:
        return "cancelled";
    case OutcomeKind::service_centre:
        return "service-centre";
    }
    return "transfer-failed";
}

int exit_code_for(OutcomeKind kind) {
    switch (kind) {
    case OutcomeKind::success:
        return 0;
    case OutcomeKind::refused:
        return 3;
    case OutcomeKind::transfer_failed:
    case OutcomeKind::service_centre:
        return 4;
    case OutcomeKind::no_answer:
    case OutcomeKind::incomplete:
        return 5;
    case OutcomeKind::cancelled:
        return 130;
    }
    return 1;
}

Event Event::message_received(Bytes bytes) {
    Event e;
    e.kind = EventKind::message_received;
    e.message = std::move(bytes);
    return e;
}

Event Event::send_completed(std::optional<SessionTime> sent_at) {
    Event e;
    e.kind = EventKind::send_completed;
    e.sent_at = sent_at;
    return e;
}

Event Event::deadline_reached() {
    Event e;
    e.kind = EventKind::deadline_reached;
    return e;
}

Event Event::user_answered(std::string question_id, std::string choice_id, std::string text) {
    Event e;
    e.kind = EventKind::user_answered;
    e.question_id = std::move(question_id);
    e.choice_id = std::move(choice_id);
    e.text = std::move(text);
    return e;
}

Event Event::transport_failed(TransportError error, std::string detail) {
    Event e;
    e.kind = EventKind::transport_failed;
    e.error = error;
    e.detail = std::move(detail);
    return e;
}

Event Event::cancel(bool insist, std::string detail) {
    Event e;
    e.kind = EventKind::cancel;
    e.insist = insist;
    e.detail = std::move(detail);
    return e;
}

} // namespace syx::session
