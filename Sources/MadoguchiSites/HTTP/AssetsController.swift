import Hummingbird

/// `GET /assets/{name}`: the stylesheet and script, from memory.
struct AssetsController {
    let assets: StaticAssets

    var routes: GuardedRoutes {
        GuardedRoutes().get("/assets/:name", .anyone) { request, context in
            try assets.response(name: context.parameters.require("name"), request: request)
        }
    }
}
