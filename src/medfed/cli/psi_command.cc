// medfed psi --a A.csv --b B.csv --column KEY [--column-b KEY] [--mode intersection|cardinality]
//            [--json] [--out FILE]
// Both parties of ECDH-PSI in one process, exchanging the protocol's real messages (the demo and
// test path; between sites the same messages travel through the round engine).
#include <chrono>
#include <cstdio>

#include "medfed/analysis/linkage/linkage_keys.h"
#include "medfed/cli/commands.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/file.h"
#include "medfed/core/parallel.h"
#include "medfed/crypto/psi.h"
#include "medfed/table/csv_reader.h"
#include "nlohmann/json.hpp"

namespace medfed::cli {
namespace {

struct PsiArguments {
  std::string a, b, column, column_b, mode = "intersection", out;
  bool json = false;
};

struct Party {
  table::Table table;
  analysis::LinkageKeys keys;
};

StatusOr<Party> ReadParty(const std::string& path, const std::string& column) {
  table::CsvOptions options;
  options.text_columns = {column};
  Party party;
  ASSIGN_OR_RETURN(party.table, table::ReadCsv(path, options));
  ASSIGN_OR_RETURN(party.keys, analysis::ReadLinkageKeys(party.table, column));
  for (const auto& warning : party.keys.Warnings(path)) std::fprintf(stderr, "warning: %s\n", warning.c_str());
  return party;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int RunPsi(const PsiArguments& arguments) {
  auto mode = crypto::ParsePsiMode(arguments.mode);
  if (!mode.ok()) return ReportError(mode.status());
  auto a = ReadParty(arguments.a, arguments.column);
  if (!a.ok()) return ReportError(a.status());
  auto b = ReadParty(arguments.b, arguments.column_b.empty() ? arguments.column : arguments.column_b);
  if (!b.ok()) return ReportError(b.status());

  crypto::PsiOptions options;
  options.mode = *mode;
  options.threads = HardwareThreads();
  const size_t a_size = a->keys.keys.size(), b_size = b->keys.keys.size();
  auto receiver = crypto::PsiReceiver::Create(a->keys.keys, options);
  if (!receiver.ok()) return ReportError(receiver.status());
  auto sender = crypto::PsiSender::Create(b->keys.keys, options);
  if (!sender.ok()) return ReportError(sender.status());

  const auto start = std::chrono::steady_clock::now();
  std::fprintf(stderr, "psi: A hashes and blinds its %zu keys\n", a_size);
  auto request = receiver->Request();
  if (!request.ok()) return ReportError(request.status());
  std::fprintf(stderr, "psi: B blinds A's keys again and its own %zu keys (%.1f s)\n", b_size, SecondsSince(start));
  auto reply = sender->Reply(*request);
  if (!reply.ok()) return ReportError(reply.status());
  std::fprintf(stderr, "psi: A compares (%.1f s)\n", SecondsSince(start));
  auto outcome = receiver->Finish(*reply);
  if (!outcome.ok()) return ReportError(outcome.status());
  const double seconds = SecondsSince(start);
  std::fprintf(stderr, "psi: done in %.2f s; messages %.1f MB (A to B) and %.1f MB (B to A)\n", seconds,
               request->size() / 1e6, reply->size() / 1e6);

  // The matches as party A holds them: the text of A's file where each key first appeared.
  const table::Column& a_column = **a->table.GetColumn(arguments.column);
  std::vector<std::string> matches;
  for (size_t index : outcome->intersection) {
    const size_t row = a->keys.first_row[index];
    matches.push_back(a_column.type() == table::ColumnType::kString ? std::string(a_column.RawText(row))
                                                                    : a_column.TextValue(row));
  }
  nlohmann::ordered_json document = {{"mode", crypto::PsiModeName(*mode)},
                                     {"protocol", "ECDH-PSI over ristretto255 (docs/protocols/psi.md)"},
                                     {"a_keys", a_size},
                                     {"b_keys", b_size},
                                     {"intersection_size", outcome->intersection_size}};
  if (*mode == crypto::PsiMode::kIntersection) document["intersection"] = matches;
  if (!arguments.out.empty()) {
    std::string lines = arguments.column + "\n";
    for (const auto& key : matches) lines += key + "\n";
    Status written =
        WriteFileAtomically(arguments.out, *mode == crypto::PsiMode::kIntersection ? lines : document.dump(2) + "\n");
    if (!written.ok()) return ReportError(written);
  }
  if (arguments.json) {
    std::printf("%s\n", document.dump(2).c_str());
    return 0;
  }
  std::printf("Private set intersection (%s), ECDH over ristretto255\n", crypto::PsiModeName(*mode));
  std::printf("  A: %s, %zu distinct keys in %s\n", arguments.a.c_str(), a_size, arguments.column.c_str());
  std::printf("  B: %s, %zu distinct keys\n", arguments.b.c_str(), b_size);
  std::printf("  in both: %llu\n", static_cast<unsigned long long>(outcome->intersection_size));
  if (*mode == crypto::PsiMode::kIntersection) {
    const size_t shown = std::min<size_t>(matches.size(), 10);
    for (size_t i = 0; i < shown; ++i) std::printf("    %s\n", matches[i].c_str());
    if (matches.size() > shown) {
      std::printf("    ... and %zu more%s\n", matches.size() - shown,
                  arguments.out.empty() ? " (--json or --out FILE for all)" : "");
    }
  }
  if (!arguments.out.empty()) std::printf("  written to %s\n", arguments.out.c_str());
  return 0;
}

}  // namespace

void AddPsiCommand(CLI::App& app, int& exit_code) {
  auto arguments = std::make_shared<PsiArguments>();
  CLI::App* command = app.add_subcommand(
      "psi", "Private set intersection of two key columns (ECDH over ristretto255): who is in both, or how many");
  command->add_option("--a", arguments->a, "party A's CSV (A learns the result)")->required();
  command->add_option("--b", arguments->b, "party B's CSV (B learns only how many keys A has)")->required();
  command->add_option("--column", arguments->column, "the key column (hashed ID, pseudonym, ...)")->required();
  command->add_option("--column-b", arguments->column_b, "B's key column, if named differently");
  command->add_option("--mode", arguments->mode, "intersection (the keys) or cardinality (only their number)")
      ->default_val("intersection");
  command->add_flag("--json", arguments->json, R"(print {"intersection_size", "intersection": [...]} on stdout)");
  command->add_option("--out", arguments->out, "also write the matching keys (as A holds them) to FILE");
  command->callback([arguments, &exit_code] { exit_code = RunPsi(*arguments); });
}

}  // namespace medfed::cli
