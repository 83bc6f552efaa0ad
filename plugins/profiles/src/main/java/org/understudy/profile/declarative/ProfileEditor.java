package org.understudy.profile.declarative;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.understudy.api.web.WebHandler;
import org.understudy.api.web.WebRequest;
import org.understudy.api.web.WebResponse;

/**
 * The family files over HTTP, for the dashboard's profiles page (mounted at {@code /profiles/}, behind the admin
 * login): {@code GET files} lists them with their state, {@code GET files/NAME} gives one's text,
 * {@code POST files/NAME/check} says whether a text would be used, {@code PUT files/NAME} saves it and puts it in
 * force at once. A text that would not be used is never written: the answer is 422 with the problem and its place,
 * as the log would say it. Writes are refused when the browser says they come from another site.
 */
final class ProfileEditor implements WebHandler {

    static final String PATH = "profiles";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,100}\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeclarativeProfiles profiles;

    ProfileEditor(DeclarativeProfiles profiles) {
        this.profiles = profiles;
    }

    @Override
    public WebResponse handle(WebRequest request) throws Exception {
        String[] parts = request.path().substring(1).split("/", -1);
        if (parts.length == 1 && parts[0].equals("files")) {
            return request.method().equals("GET") ? json(200, Map.of("files", profiles.fileStates())) : notAllowed("GET");
        }
        if (parts.length < 2 || !parts[0].equals("files") || parts.length > 3) {
            return json(404, Map.of("error", "no such resource: /" + PATH + request.path()));
        }
        String name = parts[1];
        if (!NAME.matcher(name).matches()) {
            return json(400, Map.of("error", "a profile file is named like ecowitt.json: letters, digits, '.', '_' or '-', ending in .json"));
        }
        boolean check = parts.length == 3;
        if (check && !parts[2].equals("check")) {
            return json(404, Map.of("error", "no such resource: /" + PATH + request.path()));
        }
        if (!check && request.method().equals("GET")) {
            return profiles.text(name).<WebResponse>map(t -> json(200, Map.of("file", name, "text", t)))
                    .orElseGet(() -> json(404, Map.of("error", "no profile file " + name)));
        }
        if (!request.method().equals(check ? "POST" : "PUT")) {
            return notAllowed(check ? "POST" : "GET, PUT");
        }
        if ("cross-site".equals(request.headers().get("sec-fetch-site"))) {
            return json(403, Map.of("error", "profile files are changed from the gateway's own pages only"));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(request.body())).toString();
        } catch (CharacterCodingException e) {
            return json(400, Map.of("error", "a profile file is UTF-8 text"));
        }
        String problem = check ? profiles.problem(name, text) : profiles.save(name, text);
        if (problem != null) {
            return json(422, Map.of("file", name, "error", problem));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", name);
        out.put(check ? "valid" : "saved", true);
        return json(200, out);
    }

    private static WebResponse notAllowed(String allow) throws Exception {
        return new WebResponse(405, "application/json", Map.of("Allow", allow), JSON.writeValueAsBytes(Map.of("error", "use " + allow)));
    }

    private static WebResponse json(int status, Object body) {
        try {
            return new WebResponse(status, "application/json", Map.of("Cache-Control", "no-store"), JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
