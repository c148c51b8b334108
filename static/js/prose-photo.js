// "Photo from the library": a django-prose-editor extension (kazportal/sanitize.py,
// settings.DJANGO_PROSE_EDITOR_EXTENSIONS). A toolbar button opens a dialog that searches the
// Photo library (the admin's `library-photos/` JSON, kazportal/body_admin.py) and inserts a
// reference, stored as <figure data-photo="ID"></figure>; the site expands it into the photo's
// <picture> with its caption (kazportal/bodies.py). In the editor the figure shows a thumbnail.
// The dialog's words come translated from the server, in the extension's `labels` option.
import {
  canInsertNode,
  crel,
  mergeAttributes,
  Node,
} from "django-prose-editor/editor"

const known = new Map() // "url id" -> Promise of the photo's JSON, or null when gone
const waiting = new Map() // url -> Map(id -> resolve), looked up together

const getJSON = (url) =>
  fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  }).then((response) => (response.ok ? response.json() : { results: [] }))

const withQuery = (url, params) =>
  `${url}${url.includes("?") ? "&" : "?"}${new URLSearchParams(params)}`

const remember = (url, photo) => {
  known.set(`${url} ${photo.id}`, Promise.resolve(photo))
}

// The photos of the figures of a body, in one request per editor opened.
const lookUp = (url, id) => {
  const key = `${url} ${id}`
  if (known.has(key)) return known.get(key)
  const promise = new Promise((resolve) => {
    if (!waiting.has(url)) {
      waiting.set(url, new Map())
      setTimeout(() => {
        const batch = waiting.get(url)
        waiting.delete(url)
        getJSON(withQuery(url, { ids: [...batch.keys()].join(",") }))
          .then(({ results }) => {
            const found = new Map(results.map((p) => [String(p.id), p]))
            for (const [wanted, done] of batch) done(found.get(wanted) || null)
          })
          .catch(() => {
            for (const done of batch.values()) done(null)
          })
      }, 0)
    }
    waiting.get(url).set(String(id), resolve)
  })
  known.set(key, promise)
  return promise
}

const describe = (photo) =>
  [photo.alt, photo.caption].filter(Boolean).join(" — ")

const openDialog = (editor, options) =>
  new Promise((resolve) => {
    const { labels, searchUrl } = options
    const id = `library-photo-${Math.random().toString(36).slice(2)}`
    const input = crel("input", {
      id,
      type: "search",
      name: "q",
      autocomplete: "off",
      size: 40,
    })
    const status = crel("p", {
      className: "library-photo-status",
      role: "status",
    })
    const results = crel("ul", { className: "library-photo-results" })
    const cancel = crel("button", {
      type: "button",
      textContent: labels.cancel,
    })
    const label = crel("label", { htmlFor: id, textContent: labels.search })
    label.append(
      crel("span", {
        className: "prose-editor-help",
        textContent: labels.searchHelp,
      }),
    )
    const dialog = crel(
      "dialog",
      { className: "prose-editor-dialog library-photo-dialog" },
      [
        crel("h3", {
          className: "prose-editor-dialog-title",
          textContent: labels.button,
        }),
        crel("div", { className: "prose-editor-dialog-field" }, [
          label,
          input,
        ]),
        status,
        results,
        crel("div", { className: "prose-editor-dialog-buttons" }, [cancel]),
      ],
    )
    const wrapper = crel("div", {}, [dialog])
    let chosen = null
    let asked = 0
    let timer = null

    const show = (photos) => {
      results.replaceChildren(
        ...photos.map((photo) => {
          const button = crel(
            "button",
            {
              type: "button",
              className: "library-photo-result",
              title: labels.choose,
              "data-photo-id": String(photo.id),
            },
            [
              crel("img", {
                src: photo.thumbnail,
                alt: "",
                loading: "lazy",
                width: 160,
                height: photo.width
                  ? Math.round((160 * photo.height) / photo.width)
                  : 120,
              }),
              crel("span", { textContent: describe(photo) || `#${photo.id}` }),
            ],
          )
          button.addEventListener("click", () => {
            chosen = photo
            dialog.close()
          })
          return crel("li", {}, [button])
        }),
      )
      status.textContent = photos.length ? "" : labels.noResults
    }

    const search = () => {
      const mine = ++asked
      status.textContent = labels.loading
      getJSON(withQuery(searchUrl, { q: input.value.trim() }))
        .then(({ results: photos }) => {
          if (mine === asked) show(photos)
        })
        .catch(() => {
          if (mine === asked) show([])
        })
    }

    input.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(search, 250)
    })
    input.addEventListener("keydown", (event) => {
      // Enter searches now; it must not submit the admin's form.
      if (event.key === "Enter") {
        event.preventDefault()
        clearTimeout(timer)
        search()
      }
    })
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      wrapper.remove()
      resolve(chosen)
    })

    editor.view.dom.parentElement.append(wrapper)
    dialog.showModal()
    input.focus()
    search()
  })

export const LibraryPhoto = Node.create({
  name: "libraryPhoto",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    return { searchUrl: "", labels: {} }
  },

  addAttributes() {
    return {
      photo: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-photo"),
        renderHTML: (attributes) =>
          attributes.photo ? { "data-photo": attributes.photo } : {},
      },
    }
  },

  parseHTML() {
    return [
      {
        tag: "figure[data-photo]",
        priority: 100,
        getAttrs: (element) =>
          /^\d+$/.test(element.getAttribute("data-photo") || "") ? null : false,
      },
    ]
  },

  renderHTML({ HTMLAttributes }) {
    // Stored empty: the site renders the photo itself, in the reader's language.
    return ["figure", mergeAttributes(HTMLAttributes)]
  },

  addNodeView() {
    const { labels, searchUrl } = this.options
    return ({ node }) => {
      const image = crel("img", { alt: "", className: "library-photo__image" })
      const text = crel("figcaption", { className: "library-photo__text" })
      const dom = crel("figure", { className: "library-photo" }, [image, text])
      dom.contentEditable = "false"
      let current = null

      const display = (id) => {
        if (id === current) return
        current = id
        dom.dataset.photo = id || ""
        text.textContent = `#${id}`
        if (!searchUrl || !id) return
        lookUp(searchUrl, id).then((photo) => {
          if (current !== id) return
          dom.classList.toggle("is-missing", !photo)
          if (photo) {
            image.src = photo.thumbnail
            image.alt = photo.alt || ""
            text.textContent = describe(photo) || `#${id}`
          } else {
            image.removeAttribute("src")
            text.textContent = labels.missing || `#${id}`
          }
        })
      }
      display(node.attrs.photo)

      return {
        dom,
        update(updated) {
          if (updated.type !== node.type) return false
          display(updated.attrs.photo)
          return true
        },
        ignoreMutation: () => true,
      }
    }
  },

  addCommands() {
    return {
      insertLibraryPhoto:
        () =>
        ({ editor, state, dispatch }) => {
          const type = state.schema.nodes[this.name]
          if (!this.options.searchUrl || !canInsertNode(state, type)) return false
          if (!dispatch) return true
          openDialog(editor, this.options).then((photo) => {
            if (!photo) {
              editor.commands.focus()
              return
            }
            remember(this.options.searchUrl, photo)
            editor
              .chain()
              .focus()
              .insertContent({
                type: this.name,
                attrs: { photo: String(photo.id) },
              })
              .run()
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    if (!this.options.searchUrl) return
    menu.defineItem({
      name: "libraryPhoto",
      groups: "nodes",
      command(editor) {
        editor.commands.insertLibraryPhoto()
      },
      enabled(editor) {
        return editor.can().insertLibraryPhoto()
      },
      button: buttons.material(
        "add_photo_alternate",
        this.options.labels.button,
      ),
    })
  },
})
