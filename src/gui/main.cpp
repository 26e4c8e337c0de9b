// syxflash: the Dear ImGui wizard.
#include <GLFW/glfw3.h>
#include <cstdio>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include "gui/wizard_steps.hpp"

int main() {
    if (glfwInit() == GLFW_FALSE) {
        std::fprintf(stderr, "syxflash: could not open a window (no display?)\n");
        return 1;
    }
    GLFWwindow* window = glfwCreateWindow(1100, 720, "syxflash", nullptr, nullptr);
    if (window == nullptr) {
        std::fprintf(stderr, "syxflash: could not create an OpenGL window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    ImGui::CreateContext();
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    while (glfwWindowShouldClose(window) == GLFW_FALSE) {
        glfwWaitEvents();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("syxflash", nullptr, ImGuiWindowFlags_NoDecoration);
        for (const auto& step : syx::gui::wizard_steps()) {
            ImGui::BulletText("%.*s — %.*s", static_cast<int>(step.title.size()), step.title.data(),
                              static_cast<int>(step.summary.size()), step.summary.data());
        }
        ImGui::End();
        ImGui::Render();
        int width = 0;
        int height = 0;
        glfwGetFramebufferSize(window, &width, &height);
        glViewport(0, 0, width, height);
        glClearColor(0.1F, 0.1F, 0.12F, 1.0F);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(window);
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
