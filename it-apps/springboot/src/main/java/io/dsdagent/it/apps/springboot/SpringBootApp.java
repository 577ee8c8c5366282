package io.dsdagent.it.apps.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;

import java.util.concurrent.CompletableFuture;

/**
 * A Spring Boot web app on its embedded Tomcat: /hello (GET, POST), /items/{id}, /redirect (302),
 * /boom (throws), /async (a CompletableFuture, completed on another thread). Prints {@code port=N}
 * when ready; stops when stdin closes.
 */
@SpringBootApplication
public class SpringBootApp {
    @Controller
    public static class Routes {
        @GetMapping("/hello")
        @ResponseBody
        public String hello() {
            return "hello";
        }

        @PostMapping("/hello")
        @ResponseBody
        public String post() {
            return "posted";
        }

        @GetMapping("/items/{id}")
        @ResponseBody
        public String item(@PathVariable("id") String id) {
            return "item " + id;
        }

        @GetMapping("/redirect")
        public String redirect() {
            return "redirect:/hello";
        }

        @GetMapping("/boom")
        public String boom() {
            throw new IllegalStateException("boom");
        }

        @GetMapping("/async")
        @ResponseBody
        public CompletableFuture<String> async() {
            return CompletableFuture.supplyAsync(() -> "async");
        }
    }

    public static void main(String[] args) throws Exception {
        SpringApplication app = new SpringApplication(SpringBootApp.class);
        app.setDefaultProperties(java.util.Map.of("server.port", "0", "server.address", "127.0.0.1",
                "spring.main.banner-mode", "off", "logging.level.root", "warn"));
        app.addListeners((ApplicationListener<WebServerInitializedEvent>) e -> {
            System.out.println("port=" + e.getWebServer().getPort());
            System.out.flush();
        });
        ConfigurableApplicationContext ctx = app.run(args);
        while (System.in.read() >= 0) {
            // run until the test closes stdin
        }
        ctx.close();
    }
}
