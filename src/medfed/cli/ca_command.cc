// medfed ca init DIR [--name NAME] [--days N]
// medfed ca issue DIR --name NAME --role hub|site|researcher [--host H ...] [--out DIR] [--days N]
#include <cstdio>

#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/file.h"
#include "medfed/core/secret_file.h"
#include "medfed/crypto/certificates.h"

namespace medfed::cli {
namespace {

struct CaArguments {
  std::string directory;
  std::string name = "medfed-network";
  std::string role;
  std::vector<std::string> hosts;
  std::string out;
  int days = 825;
};

int Init(const CaArguments& arguments) {
  if (FileExists(arguments.directory + "/ca.key")) {
    return ReportError(FailedPrecondition(arguments.directory + "/ca.key exists; a network has one CA, keep it"));
  }
  auto authority = crypto::CreateCertificateAuthority(arguments.name, arguments.days);
  if (!authority.ok()) return ReportError(authority.status());
  Status written = MakePrivateDirectory(arguments.directory);
  if (written.ok()) written = WriteSecretFile(arguments.directory + "/ca.key", authority->key.pem());
  if (written.ok()) written = WriteFileAtomically(arguments.directory + "/ca.crt", authority->certificate_pem);
  if (!written.ok()) return ReportError(written);
  std::printf("CA \"%s\" created: %s/ca.crt (give it to every party) and %s/ca.key (keep it offline, mode 0600)\n",
              arguments.name.c_str(), arguments.directory.c_str(), arguments.directory.c_str());
  return 0;
}

int Issue(const CaArguments& arguments) {
  auto role = crypto::ParseRole(arguments.role);
  if (!role.ok()) return ReportError(role.status());
  auto key = ReadSecretFile(arguments.directory + "/ca.key", "CA private key", 64);
  auto certificate = ReadFileToString(arguments.directory + "/ca.crt");
  if (!key.ok()) return ReportError(Annotate(key.status(), "the CA (medfed ca init " + arguments.directory + "): "));
  if (!certificate.ok()) return ReportError(certificate.status());
  crypto::KeyAndCertificate authority{crypto::PrivateKeyPem(*std::move(key)), *certificate};
  std::vector<std::string> hosts = arguments.hosts;
  if (*role == crypto::PartyRole::kHub && hosts.empty()) hosts = {"localhost", "127.0.0.1"};
  auto issued = crypto::IssueCertificate(authority, arguments.name, *role, hosts, arguments.days);
  if (!issued.ok()) return ReportError(issued.status());
  const std::string out = arguments.out.empty() ? arguments.directory + "/" + arguments.name : arguments.out;
  if (FileExists(out + "/identity.key")) {
    return ReportError(FailedPrecondition(out + "/identity.key exists; remove the directory to reissue"));
  }
  Status written = MakePrivateDirectory(out);
  if (written.ok()) written = WriteSecretFile(out + "/identity.key", issued->key.pem());
  if (written.ok()) written = WriteFileAtomically(out + "/identity.crt", issued->certificate_pem);
  if (written.ok()) written = WriteFileAtomically(out + "/ca.crt", *certificate);
  if (!written.ok()) return ReportError(written);
  std::printf("%s \"%s\": %s/identity.crt, %s/identity.key (mode 0600), %s/ca.crt\n", crypto::RoleName(*role),
              arguments.name.c_str(), out.c_str(), out.c_str(), out.c_str());
  return 0;
}

}  // namespace

void AddCaCommand(CLI::App& app, int& exit_code) {
  CLI::App* ca = app.add_subcommand("ca", "The network's certificate authority: init, issue");
  ca->require_subcommand(1);
  auto init = std::make_shared<CaArguments>();
  CLI::App* init_command = ca->add_subcommand("init", "Create the network's CA (an Ed25519 key and certificate)");
  init_command->add_option("directory", init->directory, "where ca.crt and ca.key go")->required();
  init_command->add_option("--name", init->name, "the CA's name")->default_val("medfed-network");
  init_command->add_option("--days", init->days, "validity in days")->default_val(825)->check(CLI::Range(1, 36500));
  init_command->callback([init, &exit_code] { exit_code = Init(*init); });

  auto issue = std::make_shared<CaArguments>();
  CLI::App* issue_command =
      ca->add_subcommand("issue", "Make a key and certificate for a hub, site or researcher (its name and role)");
  issue_command->add_option("directory", issue->directory, "the CA directory")->required();
  issue_command->add_option("--name", issue->name, "the party's name (a site's name in study files)")->required();
  issue_command->add_option("--role", issue->role, "hub, site or researcher")->required();
  issue_command->add_option("--host", issue->hosts,
                            "hub: DNS names or IPs it serves on (default localhost, 127.0.0.1)");
  issue_command->add_option("--out", issue->out, "identity directory to write (default CA_DIR/NAME)");
  issue_command->add_option("--days", issue->days, "validity in days")->default_val(825)->check(CLI::Range(1, 36500));
  issue_command->callback([issue, &exit_code] { exit_code = Issue(*issue); });
}

}  // namespace medfed::cli
