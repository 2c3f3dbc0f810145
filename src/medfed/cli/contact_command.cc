// medfed contact request STUDY SITE HANDLE --fields F,.. --reason TEXT --hub HOST:PORT --identity DIR
//                         [--wait SECONDS] [--json]
// medfed contact show REQUEST --hub HOST:PORT --identity DIR [--wait SECONDS] [--json]
//
// From match to contact (docs/protocols/match.md): the researcher asks the site behind a
// phenotype_match handle for more about that patient. The request is signed here; the site's
// steward decides; the released details come back sealed to a key derived from this identity
// and are opened here, after the site's signature is checked.
#include <chrono>
#include <cstdio>
#include <thread>

#include "medfed/analysis/matching/contact_details.h"
#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/text.h"
#include "medfed/net/contact_request.h"
#include "medfed/net/researcher_client.h"

namespace medfed::cli {
namespace {

struct ContactArguments {
  std::string hub, identity;
  std::string study, site, handle, fields, reason;  // request
  std::string request_id;                           // show
  int wait_seconds = 0;
  bool json = false;
};

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

// Polls the hub until the request is decided or `wait_seconds` pass, then prints what it says.
int Report(v1::ContactStatus status, const ContactArguments& arguments, const net::NetworkIdentity& identity) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(arguments.wait_seconds);
  while (status.state() == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    auto again = net::LookupContact(status.request_id(), identity, arguments.hub);
    if (!again.ok()) return ReportError(again.status());
    status = *std::move(again);
  }
  auto details = net::OpenContactAnswer(status, identity);
  if (!details.ok()) return ReportError(details.status());
  v1::ContactRequest request;
  request.ParseFromString(status.signed_request().request());
  const v1::ContactAnswer& answer = status.answer();
  if (arguments.json) {
    analysis::Json out = {{"request", status.request_id()},
                          {"study", request.study_id()},
                          {"site", request.site()},
                          {"handle", request.handle()},
                          {"state", status.state()}};
    if (status.state() != "pending") {
      out["decided_by"] = answer.decided_by();
      out["reason"] = answer.reason();
      out["released"] =
          analysis::Json(std::vector<std::string>(answer.released_fields().begin(), answer.released_fields().end()));
      out["details"] = *details;
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("contact request %s to site %s (study %s, handle %s): %s", status.request_id().c_str(),
              request.site().c_str(), request.study_id().c_str(), request.handle().c_str(), status.state().c_str());
  if (status.state() == "pending") {
    std::printf(
        "\nthe site's steward decides; `medfed contact show %s --hub %s --identity %s --wait 600` fetches "
        "the answer\n",
        status.request_id().c_str(), arguments.hub.c_str(), arguments.identity.c_str());
    return 0;
  }
  std::printf(" by %s%s\n", answer.decided_by().c_str(),
              answer.reason().empty() ? "" : (": " + answer.reason()).c_str());
  if (answer.approved()) {
    std::printf("released: %s (signed by site %s, opened with your key)\n", Join(answer.released_fields()).c_str(),
                request.site().c_str());
    for (auto it = details->begin(); it != details->end(); ++it) {
      std::string value;
      if (it->is_array()) {
        for (const auto& item : *it) value += (value.empty() ? "" : ", ") + item.get<std::string>();
      } else {
        value = it->get<std::string>();
      }
      std::printf("  %-10s %s\n", it.key().c_str(), value.c_str());
    }
  }
  return 0;
}

int Request(const ContactArguments& arguments) {
  auto identity = net::LoadIdentity(arguments.identity, crypto::PartyRole::kResearcher);
  if (!identity.ok()) return ReportError(identity.status());
  net::ContactQuestion question;
  question.study_id = arguments.study;
  question.site = arguments.site;
  question.handle = arguments.handle;
  for (const std::string& field : SplitString(arguments.fields, ',')) {
    question.fields.emplace_back(TrimWhitespace(field));
  }
  question.reason = arguments.reason;
  auto status = net::RequestContact(question, *identity, arguments.hub);
  if (!status.ok()) return ReportError(status.status());
  return Report(*std::move(status), arguments, *identity);
}

int Show(const ContactArguments& arguments) {
  auto identity = net::LoadIdentity(arguments.identity, crypto::PartyRole::kResearcher);
  if (!identity.ok()) return ReportError(identity.status());
  auto status = net::LookupContact(arguments.request_id, *identity, arguments.hub);
  if (!status.ok()) return ReportError(status.status());
  return Report(*std::move(status), arguments, *identity);
}

void AddCommonOptions(CLI::App& command, ContactArguments& arguments) {
  command.add_option("--hub", arguments.hub, "the hub's HOST:PORT")->required();
  command.add_option("--identity", arguments.identity, "your researcher identity directory")->required();
  command.add_option("--wait", arguments.wait_seconds, "wait up to SECONDS for the steward's decision")
      ->check(CLI::Range(0, 86400));
  command.add_flag("--json", arguments.json, "print the request's state and released details as JSON");
}

}  // namespace

void AddContactCommand(CLI::App& app, int& exit_code) {
  CLI::App* contact = app.add_subcommand(
      "contact", "Ask the site behind a phenotype_match result for more about one patient (its steward decides)");
  contact->require_subcommand(1);
  auto arguments = std::make_shared<ContactArguments>();
  CLI::App* request = contact->add_subcommand("request", "Send a signed contact request for one match");
  request->add_option("study", arguments->study, "the match result's query_id")->required();
  request->add_option("site", arguments->site, "the match's site")->required();
  request->add_option("handle", arguments->handle, "the match's handle")->required();
  std::string names;
  for (const auto& name : analysis::ContactFieldNames()) names += (names.empty() ? "" : ",") + name;
  request->add_option("--fields", arguments->fields, "what you ask for, comma-separated, among " + names)
      ->default_val(names);
  request->add_option("--reason", arguments->reason, "why (the site's steward reads it; recorded in the ledger)")
      ->required();
  AddCommonOptions(*request, *arguments);
  request->callback([arguments, &exit_code] { exit_code = Request(*arguments); });

  auto lookup = std::make_shared<ContactArguments>();
  CLI::App* show = contact->add_subcommand("show", "The state of a contact request, and the released details");
  show->add_option("request", lookup->request_id, "the request id (printed by `contact request`)")->required();
  AddCommonOptions(*show, *lookup);
  show->callback([lookup, &exit_code] { exit_code = Show(*lookup); });
}

}  // namespace medfed::cli
