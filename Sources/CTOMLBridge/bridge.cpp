#include "ctoml_bridge.h"

#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace {

char *copy_string(const std::string &text) {
    char *result = static_cast<char *>(std::malloc(text.size() + 1));
    if (result != nullptr) {
        std::memcpy(result, text.data(), text.size());
        result[text.size()] = '\0';
    }
    return result;
}

void report(char **error_message, int *error_line, int *error_column, const std::string &message, int line,
            int column) {
    if (error_message != nullptr) *error_message = copy_string(message);
    if (error_line != nullptr) *error_line = line;
    if (error_column != nullptr) *error_column = column;
}

}  // namespace

extern "C" char *ctoml_to_json(const char *toml, size_t length, char **error_message, int *error_line,
                               int *error_column) {
    if (error_message != nullptr) *error_message = nullptr;
    try {
        toml::table table = toml::parse(std::string_view(toml, length));
        std::ostringstream output;
        output << toml::json_formatter{table};
        return copy_string(output.str());
    } catch (const toml::parse_error &error) {
        const auto &begin = error.source().begin;
        report(error_message, error_line, error_column, std::string(error.description()),
               static_cast<int>(begin.line), static_cast<int>(begin.column));
    } catch (const std::exception &error) {
        report(error_message, error_line, error_column, error.what(), 0, 0);
    } catch (...) {
        report(error_message, error_line, error_column, "unknown TOML parser failure", 0, 0);
    }
    return nullptr;
}
