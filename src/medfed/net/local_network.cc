#include "medfed/net/local_network.h"

#include <filesystem>
#include <thread>

#include "medfed/core/file.h"
#include "medfed/core/secret_file.h"
#include "medfed/crypto/certificates.h"

namespace medfed::net {
namespace {

Status WriteIdentity(const crypto::KeyAndCertificate& authority, const std::string& directory, const std::string& name,
                     crypto::PartyRole role) {
  ASSIGN_OR_RETURN(crypto::KeyAndCertificate issued,
                   crypto::IssueCertificate(authority, name, role, {"localhost", "127.0.0.1"}, 30));
  RETURN_IF_ERROR(MakeDirectories(directory));
  RETURN_IF_ERROR(MakePrivateDirectory(directory));
  RETURN_IF_ERROR(WriteSecretFile(directory + "/identity.key", issued.key.pem()));
  RETURN_IF_ERROR(WriteFileAtomically(directory + "/identity.crt", issued.certificate_pem));
  return WriteFileAtomically(directory + "/ca.crt", authority.certificate_pem);
}

// A TOML basic string.
std::string Quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string LastLines(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return "";
  const size_t from = text->size() > 1500 ? text->size() - 1500 : 0;
  return text->substr(from);
}

}  // namespace

StatusOr<std::unique_ptr<LocalNetwork>> LocalNetwork::Create(LocalNetworkOptions options) {
  std::unique_ptr<LocalNetwork> network(new LocalNetwork(std::move(options)));
  const std::string& root = network->options_.directory;
  RETURN_IF_ERROR(MakeDirectories(root + "/logs"));
  ASSIGN_OR_RETURN(crypto::KeyAndCertificate authority, crypto::CreateCertificateAuthority("local-network", 30));
  RETURN_IF_ERROR(MakeDirectories(root + "/ca"));
  RETURN_IF_ERROR(WriteSecretFile(root + "/ca/ca.key", authority.key.pem()));
  RETURN_IF_ERROR(WriteFileAtomically(root + "/ca/ca.crt", authority.certificate_pem));
  RETURN_IF_ERROR(WriteIdentity(authority, network->identity("hub"), "hub", crypto::PartyRole::kHub));
  for (const auto& researcher : network->options_.researchers) {
    RETURN_IF_ERROR(
        WriteIdentity(authority, network->identity(researcher), researcher, crypto::PartyRole::kResearcher));
  }
  for (const auto& site : network->options_.sites) {
    RETURN_IF_ERROR(WriteIdentity(authority, network->identity(site.name), site.name, crypto::PartyRole::kSite));
    RETURN_IF_ERROR(MakeDirectories(root + "/" + site.name));
    RETURN_IF_ERROR(WriteFileAtomically(root + "/" + site.name + "/policy.toml", site.policy_toml));
  }
  RETURN_IF_ERROR(network->WriteHubConfig());
  return network;
}

LocalNetwork::~LocalNetwork() { StopAll(); }

Status LocalNetwork::WriteHubConfig() {
  const std::string text =
      "[hub]\nlisten = " + Quoted("127.0.0.1:" + std::to_string(port_)) + "\nidentity = " + Quoted(identity("hub")) +
      "\nstate = " + Quoted(hub_state()) +
      "\nround_timeout_seconds = " + std::to_string(options_.round_timeout_seconds) +
      "\nmax_concurrent_studies = " + std::to_string(options_.max_concurrent_studies) +
      "\nmax_message_mb = " + std::to_string(options_.max_message_mb) + "\n" +
      (options_.hub_references.empty() ? "" : "references = " + Quoted(options_.hub_references) + "\n");
  RETURN_IF_ERROR(MakeDirectories(options_.directory + "/hub"));
  return WriteFileAtomically(options_.directory + "/hub/hub.toml", text);
}

std::string LocalNetwork::site_config(const std::string& site) const {
  return options_.directory + "/" + site + "/site.toml";
}

std::string LocalNetwork::site_state(const std::string& site) const {
  return options_.directory + "/" + site + "/state";
}

Status LocalNetwork::StartHub() {
  const std::string port_file = hub_state() + "/hub.port";
  std::error_code ignored;
  std::filesystem::remove(port_file, ignored);
  ASSIGN_OR_RETURN(
      hub_, Subprocess::Start({options_.executable, "hub", "serve", "--config", options_.directory + "/hub/hub.toml"},
                              log("hub")));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!hub_.running()) return Unavailable("the hub did not start:\n" + LastLines(log("hub")));
    auto text = ReadFileToString(port_file);
    if (text.ok() && !text->empty()) {
      const int port = std::stoi(*text);
      if (port_ == 0) {
        port_ = port;
        RETURN_IF_ERROR(WriteHubConfig());  // a restart listens on the same port
      }
      return absl::OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return DeadlineExceeded("the hub did not listen within 20 s:\n" + LastLines(log("hub")));
}

void LocalNetwork::StopHub() { hub_.Stop(std::chrono::seconds(15)); }
void LocalNetwork::KillHub() { hub_.Kill(); }

Status LocalNetwork::StartSite(const std::string& name) {
  const LocalSite* site = nullptr;
  for (const auto& candidate : options_.sites) {
    if (candidate.name == name) site = &candidate;
  }
  if (site == nullptr) return NotFound("no site " + name + " in this network");
  if (port_ == 0) return FailedPrecondition("start the hub first");
  std::string text = "[site]\nname = " + Quoted(name) + "\nhub = " + Quoted(hub_address()) +
                     "\nidentity = " + Quoted(identity(name)) + "\nstate = " + Quoted(site_state(name)) +
                     "\npolicy = " + Quoted(options_.directory + "/" + name + "/policy.toml") + "\n";
  auto absolute = [](const std::string& path) { return std::filesystem::absolute(path).lexically_normal().string(); };
  for (const auto& [table, path] : site->tables) text += "tables." + table + " = " + Quoted(absolute(path)) + "\n";
  for (const auto& [set, path] : site->genotypes) text += "genotypes." + set + " = " + Quoted(absolute(path)) + "\n";
  if (!site->references.empty()) text += "references = " + Quoted(absolute(site->references)) + "\n";
  if (!site->contact.empty()) text += "contact = " + Quoted(site->contact) + "\n";
  for (const auto& [table, column] : site->diagnoses) text += "diagnoses." + table + " = " + Quoted(column) + "\n";
  RETURN_IF_ERROR(WriteFileAtomically(site_config(name), text));
  ASSIGN_OR_RETURN(sites_[name],
                   Subprocess::Start({options_.executable, "site", "serve", "--config", site_config(name)}, log(name)));
  return absl::OkStatus();
}

void LocalNetwork::StopSite(const std::string& name) {
  auto found = sites_.find(name);
  if (found != sites_.end()) found->second.Stop(std::chrono::seconds(10));
}

void LocalNetwork::KillSite(const std::string& name) {
  auto found = sites_.find(name);
  if (found != sites_.end()) found->second.Kill();
}

void LocalNetwork::StopAll() {
  for (auto& [name, site] : sites_) site.Stop(std::chrono::seconds(10));
  hub_.Stop(std::chrono::seconds(15));
}

}  // namespace medfed::net
