"""Language-model providers behind one streaming protocol, the router that picks one, and the tool loop that lets a
model answer with the engine's tools. Nothing here touches the network before the first request."""
