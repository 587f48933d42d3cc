import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Async detection throughput of servers sharing one Redis: submits the image n times, spread over
 * the servers in turn (as a least-connections proxy would), polls each task on the next server
 * until it completes, and prints tasks per second from the first submission to the last result.
 * Usage: ReplicaBench <image.jpg> <tasks> <port>... Run by scripts/bench_tasks.sh.
 */
public class ReplicaBench {
    private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"");

    public static void main(String[] args) throws Exception {
        byte[] image = Files.readAllBytes(Path.of(args[0]));
        int tasks = Integer.parseInt(args[1]);
        List<Integer> ports = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            ports.add(Integer.parseInt(args[i]));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        List<Future<String>> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            int port = ports.get(i % ports.size());
            ids.add(clients.submit(() -> {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/process-image/async?return_image=false")).header("Content-Type", "image/jpeg")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(), HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() != 202) {
                    throw new IllegalStateException(res.statusCode() + " " + res.body());
                }
                return res.headers().firstValue("Location").orElseThrow();
            }));
        }
        int failed = 0;
        for (int i = 0; i < ids.size(); i++) {
            String location = ids.get(i).get();
            int port = ports.get((i + 1) % ports.size());
            while (true) {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + location)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = STATUS.matcher(body);
                String status = m.find() ? m.group(1) : "?";
                if (status.equals("completed") || status.equals("failed")) {
                    failed += status.equals("failed") ? 1 : 0;
                    break;
                }
                Thread.sleep(5);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        clients.shutdown();
        System.out.printf(Locale.ROOT, "%d replica(s): %d tasks in %.1f s = %.1f tasks/s%s%n", ports.size(), tasks, seconds,
                tasks / seconds, failed > 0 ? " (" + failed + " failed)" : "");
    }
}
