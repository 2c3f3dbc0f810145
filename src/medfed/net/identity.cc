#include "medfed/net/identity.h"

#include "medfed/core/file.h"
#include "medfed/core/secret_file.h"

namespace medfed::net {

StatusOr<NetworkIdentity> LoadIdentity(const std::string& directory, crypto::PartyRole role) {
  NetworkIdentity identity;
  identity.directory = directory;
  const std::string key_path = directory + "/identity.key";
  if (!FileExists(key_path)) {
    return NotFound(key_path + ": not found; create an identity with `medfed ca issue CA_DIR --name NAME --role " +
                    std::string(crypto::RoleName(role)) + " --out " + directory + "`");
  }
  ASSIGN_OR_RETURN(std::string key, ReadSecretFile(key_path, "private key", 64));
  ASSIGN_OR_RETURN(identity.authority_pem, ReadFileToString(directory + "/ca.crt"));
  ASSIGN_OR_RETURN(identity.certificate_pem, ReadFileToString(directory + "/identity.crt"));
  identity.key = crypto::PrivateKeyPem(std::move(key));
  auto party = crypto::VerifyCertificate(identity.certificate_pem, identity.authority_pem);
  if (!party.ok()) return Annotate(party.status(), directory + "/identity.crt: ");
  if (party->role != role) {
    return PermissionDenied(directory + "/identity.crt: is a " + crypto::RoleName(party->role) +
                            " certificate; this needs a " + crypto::RoleName(role) + " certificate");
  }
  identity.party = *party;
  // The key must be the certificate's.
  ASSIGN_OR_RETURN(crypto::Signer signer, crypto::Signer::FromPem(identity.key));
  if (!crypto::VerifySignature(identity.certificate_pem, "medfed key check", signer.Sign("medfed key check")).ok()) {
    return PermissionDenied(key_path + ": does not belong to " + directory + "/identity.crt");
  }
  return identity;
}

std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(const NetworkIdentity& identity) {
  grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = identity.authority_pem;
  options.pem_key_cert_pairs.push_back({identity.key.pem(), identity.certificate_pem});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> MutualTlsChannelCredentials(const NetworkIdentity& identity) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = identity.authority_pem;
  options.pem_private_key = identity.key.pem();
  options.pem_cert_chain = identity.certificate_pem;
  return grpc::SslCredentials(options);
}

grpc::ChannelArguments ChannelArgumentsFor(size_t max_message_bytes) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(static_cast<int>(max_message_bytes));
  arguments.SetMaxSendMessageSize(static_cast<int>(max_message_bytes));
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 20000);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  arguments.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  arguments.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  return arguments;
}

StatusOr<Caller> CallerOf(const grpc::ServerContext& context, const std::string& authority_pem) {
  auto auth = context.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return Unauthenticated("the caller presented no certificate");
  auto pem = auth->FindPropertyValues("x509_pem_cert");
  if (pem.empty()) return Unauthenticated("the caller presented no certificate");
  Caller caller;
  caller.certificate_pem = std::string(pem[0].data(), pem[0].size());
  ASSIGN_OR_RETURN(caller.party, crypto::VerifyCertificate(caller.certificate_pem, authority_pem));
  return caller;
}

}  // namespace medfed::net
